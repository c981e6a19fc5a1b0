/* live: small helpers shared by the page scripts (host screen, moderation
   console, participant page).

   A plain script loaded before the page script (no modules, no build step:
   the pages keep a strict `script-src 'self'`). It defines one global,
   window.LiveCommon. Text goes into the page with textContent only. */
(function () {
  "use strict";

  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var SVG_NS = "http://www.w3.org/2000/svg";
  // ▲ ◆ ● ■ ★ ⬟, drawn (fonts differ too much from one projector or phone to another).
  var SHAPES = [
    { name: "triangle", d: "M12 2.5 22.5 21h-21z" },
    { name: "diamond", d: "M12 1.5 22.5 12 12 22.5 1.5 12z" },
    { name: "circle", d: "M12 2a10 10 0 1 0 0 20 10 10 0 1 0 0-20z" },
    { name: "square", d: "M3 3h18v18H3z" },
    { name: "star", d: "M12 1.8l3 6.6 7.2.8-5.4 4.9 1.5 7.1L12 17.6l-6.3 3.6 1.5-7.1L1.8 9.2l7.2-.8z" },
    { name: "pentagon", d: "M12 1.8 22.4 9.4 18.4 21.6H5.6L1.6 9.4z" }
  ];

  /* Show the screen `name` of a page made of section[data-screen] (the phone).
     Test ids shared by two screens (prompt, error...) live on the visible one
     only: such nodes hold data-tid, copied to data-testid while shown. */
  function showScreen(root, name) {
    root.setAttribute("data-screen", name);
    Array.prototype.forEach.call(root.querySelectorAll("section[data-screen]"), function (screen) {
      var visible = screen.getAttribute("data-screen") === name;
      screen.hidden = !visible;
      Array.prototype.forEach.call(screen.querySelectorAll("[data-tid]"), function (node) {
        if (visible) node.setAttribute("data-testid", node.getAttribute("data-tid"));
        else node.removeAttribute("data-testid");
      });
    });
  }

  /* A test id for a node that lives in one screen (option-0, vote...): set only
     while its screen is on, so two screens never hold the same one. */
  function setTid(node, id) {
    node.setAttribute("data-tid", id);
    var screen = node.closest ? node.closest("section[data-screen]") : null;
    if (!screen || !screen.hidden) node.setAttribute("data-testid", id);
    else node.removeAttribute("data-testid");
  }

  /* localStorage that never throws (private mode, storage disabled): kept in
     memory then. */
  var memory = {};
  var storage = {
    get: function (key) {
      try { var v = window.localStorage.getItem(key); return v === null ? (memory[key] || null) : v; }
      catch (e) { return memory[key] || null; }
    },
    set: function (key, value) {
      memory[key] = value;
      try { window.localStorage.setItem(key, value); } catch (e) { /* memory only */ }
    },
    remove: function (key) {
      delete memory[key];
      try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }
  };

  /* A new unique id (an answer's answer_id). */
  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      try { return window.crypto.randomUUID(); } catch (e) { /* insecure context: fall through */ }
    }
    var id = "a-" + Date.now().toString(36);
    for (var i = 0; i < 4; i++) id += "-" + Math.random().toString(36).slice(2, 8);
    return id.slice(0, 64);
  }

  /* The JSON a template put in a <script type="application/json"> (the
     strings, the activities), or `fallback`. */
  function readJson(id, fallback) {
    var node = document.getElementById(id);
    if (!node) return fallback;
    try { return JSON.parse(node.textContent); } catch (e) { return fallback; }
  }

  /* A new element with a class and a text (as text, never as HTML). */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /* Fill a translated template ("{connected} connected · {joined} joined") with
     nodes, keeping the translator's word order. */
  function fillTemplate(container, template, nodes) {
    clear(container);
    template.split(/(\{[a-z_]+\})/).forEach(function (part) {
      var match = /^\{([a-z_]+)\}$/.exec(part);
      if (match && nodes[match[1]]) container.appendChild(nodes[match[1]]);
      else if (part) container.appendChild(document.createTextNode(part));
    });
  }

  /* The page's texts: the template's strings `S` in the language `lang`. */
  function texts(S, lang) {
    var pluralRules = null, numberFormat = null, percentFormat = null;
    try { pluralRules = new Intl.PluralRules(lang); } catch (e) { pluralRules = null; }
    try { numberFormat = new Intl.NumberFormat(lang); } catch (e) { numberFormat = null; }
    try {
      percentFormat = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
    } catch (e) { percentFormat = null; }

    /* The string `key` with its {placeholders} replaced (the key itself when missing). */
    function str(key, values) {
      var text = S[key] || key;
      if (values) {
        Object.keys(values).forEach(function (name) {
          text = text.split("{" + name + "}").join(String(values[name]));
        });
      }
      return text;
    }
    /* The plural form of `base` for `n` (base_one, base_other...), by the page
       language's rules: in French 0 and 1 take the singular ("0 réponse"), in
       English only 1 does; without Intl.PluralRules (an old phone) the same two
       rules are applied by hand. base_zero for 0 when the page has one ("No entry
       picked"). live's "one" texts hold {n}; a "one" text that says a literal "1"
       instead (a kind from elsewhere) is kept for exactly one, 0 taking "other". */
    function plural(base, n) {
      if (n === 0 && S[base + "_zero"]) return S[base + "_zero"];
      var form = pluralRules ? pluralRules.select(n) : fallbackForm(n);
      var one = S[base + "_one"] || "";
      if (form === "one" && n !== 1 && one.indexOf("{n}") < 0 && /(^|\D)1(\D|$)/.test(one)) form = "other";
      return S[base + "_" + form] || S[base + "_other"] || S[base] || "";
    }
    function fallbackForm(n) {
      if (/^fr\b/i.test(lang || "")) return n >= 0 && n < 2 ? "one" : "other";
      return n === 1 ? "one" : "other";
    }
    function formatNumber(n) { return numberFormat ? numberFormat.format(n) : String(n); }
    function formatPercent(ratio) { return percentFormat ? percentFormat.format(ratio) : Math.round(ratio * 100) + "%"; }
    /* plural(base, n) with its {n} filled in ("{n} players"), and any other
       {placeholders} from `values`. */
    function counted(base, n, values) {
      var text = plural(base, n).split("{n}").join(formatNumber(n));
      if (values) {
        Object.keys(values).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
      }
      return text;
    }
    /* What to tell people about an error from the server ({code, message}). */
    function errorText(error) {
      var codeName = error && error.code;
      if (codeName && S["error_" + codeName]) return str("error_" + codeName);
      return str("error_generic", { message: (error && error.message) || "?" });
    }
    /* A player's nickname, or "Player N" without one. N is their place in join
       order (row.number: stable from one question to the next, and the same N
       as the archive's participant number); rows without it (an older server)
       fall back to counting the unnamed players in `rows`. */
    function playerName(row, rows) {
      if (row && row.name) return row.name;
      var n = row && row.number;
      if (!n) {
        n = 0;
        for (var i = 0; i < (rows || []).length; i++) {
          if (!rows[i].name) n++;
          if (rows[i] === row) break;
        }
      }
      return str("player_n", { n: formatNumber(Math.max(1, n)) });
    }
    return {
      S: S, str: str, plural: plural, counted: counted, formatNumber: formatNumber, formatPercent: formatPercent,
      errorText: errorText, playerName: playerName
    };
  }

  /* An announce(message) for the aria-live region `node`: emptied first, then
     filled after `delay` ms, so that a repeated message is read again.
     announce.later(message) queues it instead: two in a row (the answer, then
     who leads) must not cut each other. */
  function announcer(node, delay) {
    var timer = null, queue = [], queueTimer = null;
    function announce(message) {
      if (!node || !message) return;
      node.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(function () { node.textContent = message; }, delay);
    }
    announce.later = function (message) {
      queue.push(message);
      if (queueTimer) return;
      (function next() {
        var m = queue.shift();
        if (!m) { queueTimer = null; return; }
        announce(m);
        queueTimer = setTimeout(next, 2500);
      })();
    };
    return announce;
  }

  /* A countdown from the server's remaining_ms as a "state" brings it
     (performance.now(): no clock is compared with the server's); a new state
     (time added) starts it again. onTick runs every `every` ms while it runs. */
  function clock(onTick, every) {
    var c = { activityId: null, deadline: 0, duration: 1, timer: null, shown: null };
    c.stop = function () { clearInterval(c.timer); c.timer = null; };
    c.start = function (activity) {
      c.stop();
      c.activityId = activity ? activity.id : null;
      c.shown = null;
      if (!activity) return;
      c.duration = Math.max(1, activity.duration_ms || (activity.seconds || 0) * 1000);
      var open = activity.status === "open";
      c.deadline = open ? window.performance.now() + Math.max(0, activity.remaining_ms || 0) : 0;
      if (open && (activity.remaining_ms || 0) > 0) c.timer = setInterval(onTick, every || 200);
    };
    /* Milliseconds left: all of them before it opens, none once it closed. */
    c.remaining = function (activity) {
      if (!activity || activity.id !== c.activityId) return 0;
      if (activity.status === "open") return Math.max(0, c.deadline - window.performance.now());
      return activity.status === "closed" || activity.status === "revealed" ? 0 : c.duration;
    };
    return c;
  }

  /* Draw a countdown for `activity` (its data-countdown-ring, -number and -unit
     inside `box`) with the texts T (seconds_one/_other, time_up). Gives back
     {seconds, before, running} when the number of seconds changed, else null. */
  function drawCountdown(box, c, activity, T) {
    var running = activity.status === "open";
    var remaining = c.remaining(activity);
    var seconds = Math.ceil(remaining / 1000);
    var state = !running ? (remaining ? "idle" : "up") : seconds <= 0 ? "up" : seconds <= 5 ? "urgent" : "running";
    box.setAttribute("data-state", state);
    var fraction = running || state === "idle" ? Math.min(1, remaining / c.duration) : 0;
    var ring = box.querySelector("[data-countdown-ring]");
    if (!reducedMotion || c.shown !== seconds) ring.style.strokeDashoffset = (100 - fraction * 100).toFixed(2);
    if (c.shown === seconds) return null;
    var before = c.shown;
    c.shown = seconds;
    box.querySelector("[data-countdown-number]").textContent = T.formatNumber(seconds);
    box.querySelector("[data-countdown-unit]").textContent = " " +
      (state === "up" && T.S.time_up ? T.str("time_up") : T.plural("seconds", seconds));
    return { seconds: seconds, before: before, running: running };
  }

  /* Whether a key press is typing (in a field), not a shortcut. */
  function isTyping(target) {
    if (!target || !target.tagName) return false;
    // A field of a window just closed keeps the focus for a moment (see openDialog):
    // nobody types there.
    var box = target.closest && target.closest("dialog");
    if (box && !box.open) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function toggleFullscreen() {
    var doc = document;
    try {
      if (doc.fullscreenElement) {
        if (doc.exitFullscreen) doc.exitFullscreen();
      } else if (doc.documentElement.requestFullscreen) {
        var promise = doc.documentElement.requestFullscreen();
        if (promise && promise.catch) promise.catch(function () {});
      }
    } catch (e) { /* not allowed here: ignore */ }
  }

  /* A table of figures (a phone's view of results): `head` the column titles,
     `rows` lists of cells (text or a node); each row's first cell heads it. */
  function table(className, caption, head, rows) {
    var node = el("table", className);
    node.appendChild(el("caption", "visually-hidden", caption));
    var top = node.appendChild(el("thead")).appendChild(el("tr"));
    head.forEach(function (title) { top.appendChild(el("th", null, title)).setAttribute("scope", "col"); });
    var body = node.appendChild(el("tbody"));
    rows.forEach(function (cells) {
      var tr = body.appendChild(el("tr"));
      cells.forEach(function (cell, i) {
        var td = el(i ? "td" : "th");
        if (i === 0) td.setAttribute("scope", "row");
        if (cell && cell.nodeType) td.appendChild(cell); else td.textContent = cell;
        tr.appendChild(td);
      });
    });
    return node;
  }

  /* Keep `list`'s children in the order of `items` (each with an `id`), reusing the
     row made for an item before (`build(item)` makes a new one, `update(row, item,
     index)` fills it): rows glide instead of being redrawn, and focus stays where it
     was. A row that leaves while it holds the focus hands it to its section's heading. */
  function keyedRows(list, items, build, update) {
    var byKey = {};
    Array.prototype.forEach.call(list.children, function (row) { byKey[row.getAttribute("data-key")] = row; });
    items.forEach(function (item, index) {
      var row = byKey[item.id];
      if (row) delete byKey[item.id];
      else {
        row = build(item);
        row.setAttribute("data-key", item.id);
      }
      update(row, item, index);
      if (list.children[index] !== row) list.insertBefore(row, list.children[index] || null);
    });
    Object.keys(byKey).forEach(function (key) {
      var row = byKey[key];
      if (row.contains(document.activeElement)) {
        var heading = list.closest("section") && list.closest("section").querySelector("h2");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      }
      list.removeChild(row);
    });
  }

  /* An error line under a form (`node`, a role="alert" paragraph) and the `input` it
     is about, if any (marked aria-invalid while it shows): {show(text), hide()}. */
  function errorLine(node, input) {
    return {
      show: function (text) {
        node.textContent = text;
        node.hidden = false;
        if (input) input.setAttribute("aria-invalid", "true");
      },
      hide: function () {
        node.hidden = true;
        node.textContent = "";
        if (input) input.removeAttribute("aria-invalid");
      }
    };
  }

  /* A window opened over the page. Once it closes, the focus goes back where it was
     (the button that opened it), never stays on a field of the closed window: there
     the keys would act on nothing the person can see, and the page's shortcuts, which
     wait while someone types, would seem dead. */
  function openDialog(dialog) {
    if (!dialog || dialog.open) return;
    dialog.liveOpener = document.activeElement;
    if (!dialog.liveFocusBack) {
      dialog.liveFocusBack = true;
      dialog.addEventListener("close", function () {
        var focused = document.activeElement, back = dialog.liveOpener;
        dialog.liveOpener = null;
        if (!focused || !dialog.contains(focused)) return;
        if (back && back !== document.body && back.isConnected && !back.closest("dialog:not([open])")) back.focus();
        else focused.blur();
      });
    }
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  }
  function closeDialog(dialog) {
    if (!dialog || !dialog.open) return;
    if (typeof dialog.close === "function") dialog.close();
    else dialog.removeAttribute("open");
  }

  /* The options chosen (an index, or a list of them) as "A — Germinal, C — Nana". */
  function describeChoice(options, value) {
    var chosen = Array.isArray(value) ? value : [value];
    return chosen.map(function (index) {
      var option = (options || [])[index];
      return LETTERS.charAt(index) + (option !== undefined ? " — " + option : "");
    }).join(", ");
  }

  /* Buttons with data-close-dialog close their window; so does a click on the
     dimmed backdrop of `dialogs`. */
  function wireDialogs(root, dialogs) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-close-dialog]"), function (button) {
      button.addEventListener("click", function () { closeDialog(button.closest("dialog")); });
    });
    dialogs.forEach(function (dialog) {
      dialog.addEventListener("click", function (event) { if (event.target === dialog) closeDialog(dialog); });
    });
  }

  /* Activities as the server lists them, in their order on the programme. */
  function normaliseActivities(list) {
    return (list || []).slice().sort(function (a, b) { return a.position - b.position; });
  }
  function indexOfActivity(activities, id) {
    for (var i = 0; i < activities.length; i++) if (activities[i].id === id) return i;
    return -1;
  }
  function activityById(activities, id) {
    var index = indexOfActivity(activities, id);
    return index >= 0 ? activities[index] : null;
  }
  var reducedMotion = !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

  function shapeIcon(index) {
    var shape = SHAPES[index % SHAPES.length];
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "shape shape--" + shape.name);
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", shape.d);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  /* The badge of a quiz option: its shape and its letter, on its colour (never colour alone). */
  function optionBadge(index) {
    var badge = el("span", "opt-badge");
    badge.setAttribute("aria-hidden", "true");
    badge.appendChild(shapeIcon(index));
    badge.appendChild(el("span", "opt-badge__letter", LETTERS.charAt(index)));
    return badge;
  }

  /* The length of a typed text as the server counts it against a limit: spaces
     collapsed and trimmed, Unicode NFC, characters (not UTF-16 units: an emoji is one). */
  function textLength(text) {
    var t = String(text).replace(/\s+/g, " ").trim();
    if (t.normalize) t = t.normalize("NFC");
    return Array.from ? Array.from(t).length : t.length;
  }

  /* say(message) at most once every `every` ms: what comes meanwhile waits, only the
     latest is said when the time comes, and the same message is never said twice in
     a row (results arrive ten times a second: a screen reader hears a figure now and
     then, not every vote). forget() lets the next message through at once. */
  function throttled(say, every) {
    var timer = null, waiting = null, last = null;
    function next() {
      timer = null;
      var message = waiting;
      waiting = null;
      if (!message || message === last) return;
      last = message;
      say(message);
      timer = setTimeout(next, every);
    }
    function tell(message) {
      waiting = message;
      if (!timer) next();
    }
    tell.forget = function () { clearTimeout(timer); timer = null; waiting = null; last = null; };
    return tell;
  }

  /* Bars fixed at the bottom of the page (the phone's dock): their height, kept in
     --dock-height on the root, is room the page leaves under its content and the
     scroll padding that keeps a focused element above them, never under (WCAG 2.4.11). */
  function keepClearOf(dock) {
    if (!dock) return;
    function measure() { document.documentElement.style.setProperty("--dock-height", dock.offsetHeight + "px"); }
    if (window.ResizeObserver) new ResizeObserver(measure).observe(dock);
    else if (window.MutationObserver) new MutationObserver(measure).observe(dock, { attributes: true, childList: true, subtree: true });
    window.addEventListener("resize", measure);
    measure();
  }

  /* Shrink what ``scaled`` holds (its --fit, read by the kind's CSS) in steps of 5 %
     until ``room`` no longer overflows, down to 40 %: a long poll still fits the projector. */
  function shrinkToFit(scaled, room) {
    var scale = 1;
    scaled.style.setProperty("--fit", "1");
    while (room.scrollHeight > room.clientHeight + 1 && scale > 0.4) {
      scale -= 0.05;
      scaled.style.setProperty("--fit", scale.toFixed(2));
    }
  }

  window.LiveCommon = {
    shrinkToFit: shrinkToFit,
    keepClearOf: keepClearOf,
    throttled: throttled,
    LETTERS: LETTERS,
    textLength: textLength,
    storage: storage,
    showScreen: showScreen,
    setTid: setTid,
    keyedRows: keyedRows,
    errorLine: errorLine,
    newId: newId,
    readJson: readJson,
    el: el,
    clear: clear,
    fillTemplate: fillTemplate,
    texts: texts,
    announcer: announcer,
    openDialog: openDialog,
    closeDialog: closeDialog,
    wireDialogs: wireDialogs,
    describeChoice: describeChoice,
    normaliseActivities: normaliseActivities,
    indexOfActivity: indexOfActivity,
    activityById: activityById,
    reducedMotion: reducedMotion,
    clock: clock,
    drawCountdown: drawCountdown,
    isTyping: isTyping,
    toggleFullscreen: toggleFullscreen,
    table: table,
    shapeIcon: shapeIcon,
    optionBadge: optionBadge
  };
})();
