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
    var pluralRules = null, numberFormat = null;
    try { pluralRules = new Intl.PluralRules(lang); } catch (e) { pluralRules = null; }
    try { numberFormat = new Intl.NumberFormat(lang); } catch (e) { numberFormat = null; }

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
    /* The plural form of `base` for `n` (base_one, base_other...). */
    function plural(base, n) {
      var form = pluralRules ? pluralRules.select(n) : (n === 1 ? "one" : "other");
      return S[base + "_" + form] || S[base + "_other"] || S[base] || "";
    }
    function formatNumber(n) { return numberFormat ? numberFormat.format(n) : String(n); }
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
    return { str: str, plural: plural, formatNumber: formatNumber, errorText: errorText, playerName: playerName };
  }

  /* An announce(message) for the aria-live region `node`: emptied first, then
     filled after `delay` ms, so that a repeated message is read again. */
  function announcer(node, delay) {
    var timer = null;
    return function announce(message) {
      if (!node || !message) return;
      node.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(function () { node.textContent = message; }, delay);
    };
  }

  function openDialog(dialog) {
    if (!dialog || dialog.open) return;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  }
  function closeDialog(dialog) {
    if (!dialog || !dialog.open) return;
    if (typeof dialog.close === "function") dialog.close();
    else dialog.removeAttribute("open");
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
  function isWordCloud(activity) { return !!activity && activity.type === "wordcloud"; }
  function isQuiz(activity) { return !!activity && activity.type === "quiz"; }

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

  window.LiveCommon = {
    LETTERS: LETTERS,
    readJson: readJson,
    el: el,
    clear: clear,
    fillTemplate: fillTemplate,
    texts: texts,
    announcer: announcer,
    openDialog: openDialog,
    closeDialog: closeDialog,
    normaliseActivities: normaliseActivities,
    indexOfActivity: indexOfActivity,
    activityById: activityById,
    isWordCloud: isWordCloud,
    isQuiz: isQuiz,
    shapeIcon: shapeIcon,
    optionBadge: optionBadge
  };
})();
