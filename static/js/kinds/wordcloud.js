/* live: the word cloud's browser module (rules in live/activities/wordcloud/,
   partials in its templates/ folder).

   Host screen: the words drawn as SVG text with the vendored d3-cloud layout,
   and the same words as a ranked list (for screen readers, and on screen with L).
   Phone: one entry at a time, up to the activity's number; once the facilitator
   shows the results, the group's words with their counts, most first.
   Moderation console: every group of entries with its status, what the filter
   holds, hide / show / release / merge and undo. Words are people's text:
   textContent only. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var el = C.el;
  var SVG_NS = "http://www.w3.org/2000/svg";

  /* ---- the projector -------------------------------------------------------------
     The layout (d3-cloud) runs at most once a second, synchronously, with a
     random source seeded by each word: the same words give the same cloud, and
     a new small word does not move the others. Words keep a stable order (count,
     then first seen); <text> elements are keyed by word and glide to their new
     place and size with CSS transitions. The ranked list holds the same words
     for screen readers (and on screen with L). */

  var CLOUD_LAYOUT_EVERY = 1000;
  var ANNOUNCE_CLOUD_EVERY = 5000;
  var PALETTE_SIZE = 8;
  // Sizes follow count / scale; the scale moves in steps, so the words do not all
  // shrink each time the top word gets one more entry.
  var SCALE_STEPS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500];

  function host(kit) {
    var T = kit.T, $ = kit.$, view = kit.view;
    var cloud = {
      activityId: null,
      firstSeen: {},       // word key -> order of first appearance on this screen
      seen: 0,
      words: [],           // [{key, display, count}], stable order
      nWords: 0,
      nodes: {},           // word key -> {el, timer}
      fit: 1,              // the size factor in use (1: the top word as big as it may be)
      maxFit: 1,           // a factor known to be too big for these words (or 1)
      scale: 0,            // the count scale step the factors were found for
      size: null,          // [width, height] of the last layout
      lastCount: 0,
      lastLayout: 0,
      timer: null,
      listView: false,
      announced: "",
      announceTimer: null
    };
    var measureContext = null;
    var widthCache = {};

    function onScreen() { return !!view.activity && view.activity.type === kit.name && view.phase === "activity"; }
    function cloudBox() { return $("[data-cloud]"); }
    function cloudGroup() { return $("[data-cloud-words]"); }
    function wordKey(display) { return String(display).toLowerCase(); }

    function resetCloud(activityId) {
      clearTimeout(cloud.timer);
      cloud.timer = null;
      cloud.activityId = activityId;
      cloud.firstSeen = {};
      cloud.seen = 0;
      cloud.words = [];
      cloud.nWords = 0;
      cloud.nodes = {};
      cloud.fit = 1;
      cloud.maxFit = 1;
      cloud.scale = 0;
      cloud.size = null;
      cloud.lastCount = 0;
      cloud.lastLayout = 0;
      cloud.announced = "";
      C.clear(cloudGroup());
      C.clear($("[data-word-list]"));
    }

    function render(activity, result, nAnswers) {
      cloud.words = readWords(result);
      cloud.nWords = result && typeof result.n_words === "number" ? result.n_words : cloud.words.length;
      $("[data-testid='n-words']").textContent = T.formatNumber(cloud.nWords);
      $("[data-words-label]").textContent = T.plural("words", cloud.nWords);
      renderWordList();
      renderCloudView();
      scheduleLayout();
      scheduleCloudAnnouncement(nAnswers);
    }

    function readWords(result) {
      var taken = {};
      var words = [];
      ((result && result.words) || []).forEach(function (pair) {
        if (!pair || pair.length < 2) return;
        var display = String(pair[0]);
        var count = Math.max(0, parseInt(pair[1], 10) || 0);
        var key = wordKey(display);
        while (taken[key]) key += "\u0001";  // two spellings that only differ in case
        taken[key] = true;
        if (!Object.prototype.hasOwnProperty.call(cloud.firstSeen, key)) cloud.firstSeen[key] = cloud.seen++;
        words.push({ key: key, display: display, count: count });
      });
      words.sort(function (a, b) { return b.count - a.count || cloud.firstSeen[a.key] - cloud.firstSeen[b.key]; });
      return words;
    }

    function renderWordList() {
      var list = $("[data-word-list]");
      var words = cloud.words;
      var top = words.length ? words[0].count : 0;
      words.forEach(function (word, index) {
        var row = list.children[index];
        if (!row) {
          row = el("li", "word-list__item");
          row.setAttribute("data-testid", "word-" + index);
          row.appendChild(el("span", "word-list__word"));
          row.appendChild(document.createTextNode(" "));
          row.appendChild(el("span", "word-list__count"));
          var bar = el("span", "word-list__bar");
          bar.setAttribute("aria-hidden", "true");
          bar.appendChild(el("span", "word-list__fill"));
          row.appendChild(bar);
          list.appendChild(row);
        }
        var parts = row.querySelectorAll("span");
        if (parts[0].textContent !== word.display) parts[0].textContent = word.display;
        parts[1].textContent = String(word.count);
        parts[3].style.width = (top > 0 ? Math.max(2, word.count / top * 100) : 0).toFixed(1) + "%";
        row.classList.toggle("is-top", index === 0);
      });
      while (list.children.length > words.length) list.removeChild(list.lastChild);
      if (cloud.listView) fitList();
    }

    /* The list view on the projector: columns, shrunk until the words fit. */
    function fitList() {
      var list = $("[data-word-list]");
      var scale = 1;
      list.style.setProperty("--fit", "1");
      list.setAttribute("data-columns", cloud.words.length > 24 ? "3" : cloud.words.length > 8 ? "2" : "1");
      while ((list.scrollHeight > list.clientHeight + 1 || list.scrollWidth > list.clientWidth + 1) && scale > 0.45) {
        scale -= 0.05;
        list.style.setProperty("--fit", scale.toFixed(2));
      }
    }

    function scheduleLayout(now) {
      if (cloud.timer) {
        if (!now) return;
        clearTimeout(cloud.timer);
      }
      var wait = now ? 0 : Math.max(0, cloud.lastLayout + CLOUD_LAYOUT_EVERY - Date.now());
      cloud.timer = setTimeout(function () {
        cloud.timer = null;
        layoutCloud();
      }, wait);
    }

    function renderCloudView() {
      var empty = cloud.words.length === 0;
      cloudBox().setAttribute("data-view", cloud.listView ? "list" : "cloud");
      $("[data-word-list]").classList.toggle("visually-hidden", !cloud.listView || empty);
      $("[data-cloud-empty]").hidden = !empty;
      var button = $("[data-action='list']");
      button.setAttribute("aria-pressed", cloud.listView ? "true" : "false");
      var label = button.querySelector(".visually-hidden");
      if (label) label.textContent = T.str("show_list");
    }

    function toggleList() {
      if (!onScreen()) return;
      cloud.listView = !cloud.listView;
      renderCloudView();
      if (cloud.listView) fitList();
      else scheduleLayout(true);
    }

    function scheduleCloudAnnouncement(nAnswers) {
      if (cloud.announceTimer) return;
      cloud.announceTimer = setTimeout(function () {
        cloud.announceTimer = null;
        if (!onScreen() || !cloud.words.length) return;
        var result = kit.results(view.activity.id);
        var n = result ? result.n_answers : nAnswers;
        var message = T.counted("announce_cloud", n).split("{word}").join(cloud.words[0].display);
        if (message !== cloud.announced) {
          cloud.announced = message;
          kit.announce(message);
        }
      }, ANNOUNCE_CLOUD_EVERY);
    }

    function cloudVisible() {
      return onScreen() && !cloudBox().hidden && !cloud.listView && !$("[data-screen='activity']").hidden;
    }

    /* A number in [0, 1) from a string: FNV-1a, then a murmur-style finaliser. */
    function hashUnit(text) {
      var h = 0x811c9dc5;
      for (var i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
      }
      h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return (h >>> 0) / 4294967296;
    }

    function colourOf(key) { return Math.floor(hashUnit("colour|" + key) * PALETTE_SIZE); }

    function fontFamily() {
      var svg = $("[data-cloud-svg]");
      var family = svg ? window.getComputedStyle(svg).fontFamily : "";
      return family || "system-ui, sans-serif";
    }

    /* Width of a word at 100px, to keep long entries inside the screen. */
    function widthAt100(text, family) {
      var cacheKey = family + "|" + text;
      if (widthCache[cacheKey]) return widthCache[cacheKey];
      if (!measureContext) {
        try { measureContext = document.createElement("canvas").getContext("2d"); } catch (e) { measureContext = null; }
      }
      var width = text.length * 60;
      if (measureContext) {
        measureContext.font = "normal 800 100px " + family;
        width = measureContext.measureText(text).width || width;
      }
      widthCache[cacheKey] = width;
      return width;
    }

    function scaleFor(max) {
      for (var i = 0; i < SCALE_STEPS.length; i++) if (SCALE_STEPS[i] >= max) return SCALE_STEPS[i];
      return Math.ceil(max / 100) * 100;
    }

    /* Font sizes at factor 1: by count on a stepped square-root scale, never wider
       than the screen. */
    function baseSizes(words, width, height, family, scale) {
      var maxFont = Math.min(height * 0.3, width * 0.13);
      var minFont = maxFont * 0.24;
      return words.map(function (word) {
        var ratio = Math.sqrt(Math.min(1, word.count / scale));
        return {
          key: word.key,
          display: word.display,
          base: minFont + (maxFont - minFont) * ratio,
          widest: Math.min(width * 0.94, 2000) / widthAt100(word.display, family) * 100
        };
      });
    }

    /* One d3-cloud run; gives back the placed words and how much room they take. */
    function runLayout(sized, width, height, fitFactor, family) {
      var floor = Math.max(11, height * 0.016);
      var data = sized.map(function (d, i) {
        var size = Math.floor(Math.max(floor, Math.min(d.base * fitFactor, d.widest)));
        return { key: d.key, display: d.display, size: size, order: i };
      });
      // d3-cloud places the largest first (a stable sort): sort the same way here,
      // so that the random source below knows which word asks.
      data.sort(function (a, b) { return b.size - a.size || a.order - b.order; });

      var calls = 0;
      function random() {
        // Three draws per word, in placement order: start x, start y, spiral direction.
        var index = Math.floor(calls / 3);
        var slot = calls % 3;
        calls++;
        var d = data[index];
        if (!d) return 0.5;
        var h = hashUnit(d.key + "|" + slot);
        if (slot === 2) return h;
        // The first words start near the centre; later ones anywhere in the middle half.
        var spread = Math.min(1, 0.2 + index * 0.12);
        return 0.5 + (h - 0.5) * spread;
      }

      var placed = [];
      var box = null;
      window.d3.layout.cloud()
        .size([width, height])
        .words(data)
        .text(function (d) { return d.display; })
        .font(family)
        .fontWeight("800")
        .fontSize(function (d) { return d.size; })
        .rotate(0)
        .padding(function (d) { return Math.max(2, Math.round(d.size * 0.07)); })
        .spiral("archimedean")
        .random(random)
        .timeInterval(Infinity)
        .on("end", function (tags, bounds) { placed = tags || []; box = bounds; })
        .start();
      var used = box ? [box[1].x - box[0].x, box[1].y - box[0].y] : [width, height];
      return { placed: placed, room: Math.min(width / Math.max(1, used[0]), height / Math.max(1, used[1])) };
    }

    function layoutCloud() {
      if (!cloudVisible()) return;
      var box = cloudBox();
      var width = Math.floor(box.clientWidth);
      var height = Math.floor(box.clientHeight);
      if (width < 80 || height < 80) return;
      cloud.lastLayout = Date.now();
      var svg = $("[data-cloud-svg]");
      if (!cloud.size || cloud.size[0] !== width || cloud.size[1] !== height) {
        cloud.size = [width, height];
        cloud.maxFit = 1;
        svg.setAttribute("viewBox", "0 0 " + width + " " + height);
        cloudGroup().setAttribute("transform", "translate(" + width / 2 + "," + height / 2 + ")");
      }
      var words = cloud.words;
      if (words.length < cloud.lastCount) cloud.maxFit = 1;  // words went away: room to grow again
      cloud.lastCount = words.length;
      if (!words.length || !window.d3 || !window.d3.layout || !window.d3.layout.cloud) {
        placeWords([]);
        return;
      }
      var family = fontFamily();
      var scale = scaleFor(words[0].count);
      if (scale !== cloud.scale) {
        cloud.scale = scale;
        cloud.maxFit = 1;  // other sizes: what was too big may fit now
      }
      var sized = baseSizes(words, width, height, family, scale);
      // The factor stays as it is while the words fit: one more small word leaves
      // every other word where it is. It shrinks when a word finds no room, and
      // grows (at most 30% a time) when the cloud leaves much of the screen empty.
      var fit = Math.min(cloud.fit, cloud.maxFit * 0.97);
      var result = runLayout(sized, width, height, fit, family);
      var tries = 0;
      // At most four runs (~100 ms each with 150 words): what still finds no room is
      // placed at the next layout, a second later, with smaller words.
      while (result.placed.length < words.length && tries < 3) {
        cloud.maxFit = fit;
        fit *= result.placed.length > words.length * 0.95 ? 0.9 : 0.75;
        result = runLayout(sized, width, height, fit, family);
        tries++;
      }
      if (!tries && fit < 1) {
        var grow = Math.min(result.room * 0.92, 1.3, cloud.maxFit * 0.97 / fit, 1 / fit);
        if (grow > 1.1) {
          var bigger = runLayout(sized, width, height, fit * grow, family);
          if (bigger.placed.length === words.length) {
            fit *= grow;
            result = bigger;
          } else {
            cloud.maxFit = fit * grow;
          }
        }
      }
      cloud.fit = fit;
      var placed = result.placed;
      svg.setAttribute("data-fit", cloud.fit.toFixed(3));
      svg.setAttribute("data-tries", String(tries));
      placeWords(placed);
    }

    function placeWords(placed) {
      var group = cloudGroup();
      var keep = {};
      var fresh = [];
      placed.forEach(function (d) {
        keep[d.key] = true;
        var node = cloud.nodes[d.key];
        if (!node) {
          var text = document.createElementNS(SVG_NS, "text");
          text.setAttribute("text-anchor", "middle");
          text.setAttribute("class", "cloud__word cloud__word--c" + colourOf(d.key) + " is-new");
          node = cloud.nodes[d.key] = { el: text, timer: null };
          group.appendChild(text);
          fresh.push(text);
        }
        if (node.timer) {
          clearTimeout(node.timer);
          node.timer = null;
          node.el.classList.remove("is-leaving");
        }
        if (node.el.textContent !== d.display) node.el.textContent = d.display;
        node.el.setAttribute("data-word", d.key);
        node.el.style.transform = "translate(" + d.x + "px, " + d.y + "px)";
        node.el.style.fontSize = d.size + "px";
      });
      Object.keys(cloud.nodes).forEach(function (key) {
        if (keep[key]) return;
        var node = cloud.nodes[key];
        if (node.timer) return;
        node.el.classList.add("is-leaving");
        node.timer = setTimeout(function () {
          if (node.el.parentNode) node.el.parentNode.removeChild(node.el);
          if (cloud.nodes[key] === node) delete cloud.nodes[key];
        }, C.reducedMotion ? 0 : 700);
      });
      if (fresh.length) {
        // Let the new words be drawn once, invisible, then fade them in where they stand.
        void group.getBoundingClientRect();
        window.requestAnimationFrame(function () {
          fresh.forEach(function (text) { text.classList.remove("is-new"); });
        });
      }
    }

    /* The list view fits the screen; the cloud is laid out again when the screen changed size. */
    function fit() {
      if (cloud.listView) fitList();
      else if (cloud.size && (cloud.size[0] !== Math.floor(cloudBox().clientWidth) || cloud.size[1] !== Math.floor(cloudBox().clientHeight))) {
        scheduleLayout();
      }
    }

    return {
      build: function (activity) { resetCloud(activity.id); },
      clear: function () { if (cloud.activityId) resetCloud(null); },
      render: render,
      fit: fit,
      tally: function () { return null; },  // it says the newest entry itself
      describe: function (activity) {
        var line = T.counted("entries_each", activity.max_entries || 1);
        return activity.single_word ? line + " · " + T.str("single_word") : line;
      },
      actions: {
        list: { local: true, target: function () { return onScreen() || null; }, shown: onScreen, run: toggleList }
      },
      keys: { l: "list" }
    };
  }

  /* ---- the phone: a few words, one at a time; the group's words once shown ------ */

  function sameEntry(a, b) {
    function norm(text) {
      var t = String(text);
      if (t.normalize) t = t.normalize("NFC");
      return t.replace(/\s+/g, " ").trim().toLowerCase();
    }
    return norm(a) === norm(b);
  }

  function phone(kit) {
    var T = kit.T, $ = kit.$;
    var form = $("[data-wc-form]");
    var input = document.getElementById("entry");
    var errorNode = $("[data-wc-error]");
    var done = $("[data-wc-done]");
    var list = $("[data-wc-list]");
    var remainingFor = {};   // activity id -> entries left, from the last ack
    var builtFor = null;     // the activity the entry box was set up for

    function entries(activityId) {
      return kit.given(activityId).filter(function (v) { return typeof v === "string"; });
    }
    function hasEntry(activityId, value) {
      return entries(activityId).some(function (v) { return sameEntry(v, value); });
    }
    function remainingOf(activity) {
      var left = Math.max(0, (activity.max_entries || 1) - entries(activity.id).length);
      if (typeof remainingFor[activity.id] === "number") left = Math.min(left, Math.max(0, remainingFor[activity.id]));
      return left;
    }
    var errorLine = C.errorLine(errorNode, input);
    var showError = errorLine.show, hideError = errorLine.hide;

    function render(activity) {
      if (builtFor !== activity.id) {
        builtFor = activity.id;
        input.value = "";
        hideError();
      }
      var total = activity.max_entries || 1;
      $("[data-wc-number]").textContent = kit.number(activity);
      $("[data-wc-prompt]").textContent = activity.prompt || "";
      var hint = $("[data-wc-hint]");
      hint.textContent = activity.single_word ? T.str("one_word") : "";
      hint.hidden = !activity.single_word;
      renderCounter(activity);

      var mine = entries(activity.id);
      var waiting = kit.queued(activity.id);
      var sending = waiting.length > 0;
      var left = remainingOf(activity);
      var open = activity.status === "open";
      var finished = left <= 0 && !sending;

      $("[data-wc-remaining]").textContent = T.str("remaining", { remaining: left, total: total });
      $("[data-wc-entry]").hidden = !open || finished;
      input.readOnly = sending;
      if (sending && !input.value) input.value = waiting[0].value;
      $("[data-wc-send]").hidden = sending;
      $("[data-wc-sending]").hidden = !sending;
      done.hidden = !finished;
      $("[data-wc-closed]").hidden = open || finished;
      form.classList.toggle("is-locked", sending);

      while (list.children.length > mine.length) list.removeChild(list.lastChild);
      mine.forEach(function (value, i) {
        var item = list.children[i] || list.appendChild(el("li", "wc__item"));
        if (item.textContent !== value) item.textContent = value;
      });
      $("[data-wc-mine]").hidden = mine.length === 0;
      renderResults(activity);
    }

    /* Once the facilitator shows them: the group's words with how many sent each,
       the most sent first, as a table. */
    function renderResults(activity) {
      var result = kit.results(activity.id);
      var showing = !!result && activity.status !== "open";
      $("[data-wc-results]").hidden = !showing;
      if (!showing) return;
      var words = (result.words || []).filter(function (pair) { return pair && pair.length >= 2; });
      var top = words.length ? Math.max(1, words[0][1]) : 1;
      var rows = words.map(function (pair) {
        var word = el("span", "results__option");
        word.appendChild(el("span", "results__text", String(pair[0])));
        var bar = word.appendChild(el("span", "results__bar"));
        bar.setAttribute("aria-hidden", "true");
        bar.appendChild(el("span", "results__fill")).style.width = Math.min(100, pair[1] / top * 100).toFixed(1) + "%";
        return [word, T.formatNumber(pair[1])];
      });
      var holder = $("[data-wc-table]");
      C.clear(holder);
      if (rows.length) holder.appendChild(C.table("results-table", T.str("results_caption"), [T.str("column_word"), T.str("column_count")], rows));
      $("[data-wc-results-empty]").hidden = rows.length > 0;
      var more = (result.n_words || words.length) - words.length;
      $("[data-wc-results-more]").hidden = more <= 0;
      $("[data-wc-results-more]").textContent = more > 0 ? T.counted("more_words", more) : "";
    }

    /* "12 / 40 characters" under the box. Nothing is cut: a longer entry (pasted,
       say) stays as typed and the counter says how many characters are too many. */
    function renderCounter(activity) {
      var counter = $("[data-wc-counter]");
      var max = activity.max_length || 0;
      var n = C.textLength(input.value);
      counter.hidden = !max;
      if (!max) return;
      counter.textContent = T.str(n > max ? "counter_over" : "counter",
        { n: T.formatNumber(n), max: T.formatNumber(max), over: T.formatNumber(n - max) });
      counter.classList.toggle("is-over", n > max);
      if (n > max) input.setAttribute("aria-invalid", "true");
      else if (errorNode.hidden) input.removeAttribute("aria-invalid");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var activity = kit.current();
      if (!activity || activity.type !== kit.name || activity.status !== "open") return;
      if (kit.queued(activity.id).length) return;
      var value = input.value.replace(/\s+/g, " ").trim();
      if (!value) {
        showError(T.str("type_first"));
        input.focus();
        return;
      }
      var max = activity.max_length || 0;
      if (max && C.textLength(value) > max) {
        showError(T.str("too_long_local", { max: T.formatNumber(max), over: T.formatNumber(C.textLength(value) - max) }));
        input.focus();
        return;
      }
      hideError();
      input.value = value;
      kit.send(activity, value);
    });

    input.addEventListener("input", function () {
      if (!errorNode.hidden) hideError();
      var activity = kit.current();
      if (activity && activity.type === kit.name) renderCounter(activity);
    });

    function answered(sent, ack, here) {
      if (typeof ack.remaining === "number") remainingFor[sent.activity_id] = ack.remaining;
      if (!here) return;
      if (sameEntry(input.value, sent.value)) input.value = "";
      var activity = kit.current();
      kit.render();
      var left = remainingOf(activity);
      kit.announce(left > 0
        ? T.str("announce_sent", { word: sent.value, remaining: left, total: activity.max_entries || 1 })
        : T.str("announce_done"));
      if (!done.hidden) done.focus();
      else if (!input.closest("[hidden]")) input.focus();
    }

    function refused(sent, error, here) {
      var activity = kit.current();
      if (error.code === "closed" && here) activity.status = "closed";
      if (error.code === "limit_reached") remainingFor[sent.activity_id] = 0;
      if (here && !input.value) input.value = sent.value;  // kept, to fix it
      kit.render();
      if (!here) return;
      var max = activity.max_length || "";
      showError(T.S["wc_error_" + error.code] ? T.str("wc_error_" + error.code, { max: max })
        : T.S["error_" + error.code] ? T.str("error_" + error.code) : T.str("error_generic"));
      if (!input.closest("[hidden]")) {
        input.focus();
        try { input.setSelectionRange(input.value.length, input.value.length); } catch (e) { /* not a text field */ }
      }
    }

    return {
      screen: function () { return "wordcloud"; },
      render: render,
      // An entry the server holds is one with the same letters (case, spaces aside).
      given: function (item, values) { return values.some(function (v) { return sameEntry(v, item.value); }); },
      answered: answered,
      refused: refused
    };
  }

  /* ---- the moderation console: hide, show, release, merge, undo ------------------- */

  function moderate(kit) {
    var T = kit.T, $ = kit.$, view = kit.view;
    var moderation = {};   // activity id -> the last "moderation" event

    function onScreen() { return !!view.activity && view.activity.type === kit.name; }

    /* The moderation view of the current word cloud; before the first "moderation"
       event, one made from the shown words of "results" (the server also accepts a
       displayed spelling as key). */
    function moderationOf(activity) {
      var data = moderation[activity.id];
      if (data) return data;
      var result = kit.results(activity.id) || {};
      return {
        activity_id: activity.id,
        n_answers: result.n_answers || 0,
        groups: (result.words || []).map(function (pair) {
          return { key: String(pair[0]), display: String(pair[0]), count: pair[1], status: "shown", spellings: [], merged: [] };
        }),
        held: [],
        hidden: [],
        can_undo: false
      };
    }

    function sortedGroups(groups) {
      return groups.map(function (g, i) { return { g: g, i: i }; })
        .sort(function (a, b) { return (b.g.count || 0) - (a.g.count || 0) || a.i - b.i; })
        .map(function (x) { return x.g; });
    }

    function spellingText(group) {
      var spellings = group.spellings || [];
      if (spellings.length < 2 && !(group.merged && group.merged.length)) return "";
      return spellings.map(function (pair) { return pair[0] + " ×" + pair[1]; }).join(", ");
    }

    /* Rows are kept per word and updated in place (a click never lands on a row
       that was just rebuilt; focus stays on its button). */
    function keyedRows(list, items, build, update) {
      var byKey = {};
      Array.prototype.forEach.call(list.children, function (row) { byKey[row.getAttribute("data-key")] = row; });
      items.forEach(function (item, index) {
        var row = byKey[item.key];
        if (row) delete byKey[item.key];
        else row = build(item);
        update(row, item, index);
        if (list.children[index] !== row) list.insertBefore(row, list.children[index] || null);
      });
      Object.keys(byKey).forEach(function (key) {
        var row = byKey[key];
        var hadFocus = row.contains(document.activeElement);
        list.removeChild(row);
        if (hadFocus) focusNear(list);
      });
    }

    /* The focused word left its list (released, merged...): keep focus nearby. */
    function focusNear(list) {
      var section = list.closest("section");
      var heading = section && section.querySelector("h2");
      if (!heading) return;
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }

    function buildRow(item) {
      var row = el("li", "mod-row");
      row.setAttribute("data-key", item.key);
      var main = el("div", "mod-row__main");
      main.appendChild(el("span", "mod-row__word"));
      main.appendChild(el("span", "mod-row__count"));
      main.appendChild(el("span", "mod-badge"));
      main.appendChild(el("span", "mod-row__spellings"));
      row.appendChild(main);
      var actions = el("div", "mod-row__actions");
      var button = el("button", "button mod-action");
      button.type = "button";
      button.appendChild(el("span", "mod-action__label"));
      button.appendChild(el("span", "visually-hidden"));
      actions.appendChild(button);
      row.appendChild(actions);
      return row;
    }

    function setText(node, text) { if (node.textContent !== text) node.textContent = text; }

    function fillRow(row, item, status, action, label, testid, buttonClass) {
      var parts = row.firstChild.children;
      setText(parts[0], item.display);
      setText(parts[1], "×" + T.formatNumber(item.count));
      parts[2].className = "mod-badge mod-badge--" + status;
      setText(parts[2], status ? T.str("status_" + status) : "");
      parts[2].hidden = !status;
      var spellings = spellingText(item);
      setText(parts[3], spellings);
      parts[3].hidden = !spellings;
      row.className = "mod-row mod-row--" + (status || "held");
      if (status) row.setAttribute("data-status", status);
      var button = row.querySelector("button");
      button.className = "button mod-action " + buttonClass;
      button.setAttribute("data-testid", testid);
      button.setAttribute("data-do", action);
      button.setAttribute("data-word", item.key);
      setText(button.firstChild, label);
      setText(button.lastChild, " " + item.display);
    }

    var renderTimer = null;
    var lastRender = 0;
    /* Moderation events can come ten times a second: draw at most about three. */
    function scheduleModeration() {
      if (renderTimer) return;
      var wait = Math.max(0, lastRender + 300 - Date.now());
      renderTimer = setTimeout(function () {
        renderTimer = null;
        if (onScreen() && view.phase === "activity") renderModeration();
      }, wait);
    }

    function renderModeration() {
      lastRender = Date.now();
      var activity = view.activity;
      var data = moderationOf(activity);
      var groups = sortedGroups(data.groups || []);
      var held = data.held || [];
      var hidden = data.hidden || [];
      var shown = groups.filter(function (g) { return g.status === "shown"; }).length;

      $("[data-testid='n-answers']").textContent = T.formatNumber(data.n_answers || 0);
      $("[data-entries-label]").textContent = T.plural("entries", data.n_answers || 0);
      $("[data-testid='n-words']").textContent = T.formatNumber(shown);
      $("[data-words-label]").textContent = T.plural("words", shown);
      $("[data-testid='n-held']").textContent = T.formatNumber(held.length);
      $("[data-testid='n-hidden']").textContent = T.formatNumber(hidden.length);
      $("[data-held-label]").textContent = T.plural("held", held.length);
      $("[data-hidden-label]").textContent = T.plural("hidden", hidden.length);
      $("[data-undo]").disabled = !data.can_undo || view.acting || !view.connected;

      // Held first: words the filter keeps off the screen.
      keyedRows($("[data-held-list]"), held, buildRow, function (row, item) {
        fillRow(row, item, "", "release", T.str("release"), "release-" + item.key, "button--secondary");
      });
      $("[data-held-empty]").hidden = held.length > 0;
      $("[data-testid='held']").classList.toggle("has-items", held.length > 0);

      // Every word, the most frequent first, with its status. A held word is shown
      // by releasing it; a hidden one by showing it again.
      keyedRows($("[data-group-list]"), groups, buildRow, function (row, group, index) {
        row.setAttribute("data-testid", "group-" + index);
        if (group.status === "shown") {
          fillRow(row, group, "shown", "hide", T.str("hide"), "hide-" + index, "button--ghost");
        } else {
          fillRow(row, group, group.status, group.status === "held" ? "release" : "show", T.str("show"), "show-" + index, "button--secondary");
        }
      });
      $("[data-groups-empty]").hidden = groups.length > 0;
      renderMerge(groups);
    }

    function fillSelect(select, groups) {
      // Left alone while nothing changed: an open list must not close under the finger.
      var signature = groups.map(function (g) { return g.key + "\u0000" + g.display + "\u0000" + g.count; }).join("\u0001");
      if (select.getAttribute("data-signature") === signature) return;
      select.setAttribute("data-signature", signature);
      var before = select.value;
      C.clear(select);
      var placeholder = el("option", null, T.str("merge_choose"));
      placeholder.value = "";
      select.appendChild(placeholder);
      groups.forEach(function (group) {
        var option = el("option", null, group.display + " (" + T.formatNumber(group.count) + ")");
        option.value = group.key;
        select.appendChild(option);
      });
      select.value = before;
      if (select.value !== before) select.value = "";
    }

    function renderMerge(groups) {
      fillSelect($("[data-merge-from]"), groups);
      fillSelect($("[data-merge-into]"), groups);
      $("[data-merge-form]").hidden = groups.length < 2;
    }

    function displayOf(key) {
      var activity = view.activity;
      if (!activity) return key;
      var data = moderationOf(activity);
      var all = (data.groups || []).concat(data.held || [], data.hidden || []);
      for (var i = 0; i < all.length; i++) if (all[i].key === key) return all[i].display;
      return key;
    }

    function moderate(payload, doneMessage) {
      if (view.acting || !view.connected || !view.activity) return;
      view.acting = true;
      payload.activity_id = view.activity.id;
      $("[data-undo]").disabled = true;
      kit.socket().timeout(10000).emit(payload.action ? "moderate" : "undo", payload, function (err, ack) {
        view.acting = false;
        if (err) kit.say(T.str("no_answer"), "error");
        else if (!ack || !ack.ok) kit.say(T.errorText(ack && ack.error), "error");
        else {
          kit.say(doneMessage, "done");
          kit.announce(doneMessage);
        }
        if (onScreen()) renderModeration();
      });
    }

    kit.root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-do]");
      if (!button || !kit.root.contains(button)) return;
      var action = button.getAttribute("data-do");
      var key = button.getAttribute("data-word");
      var word = displayOf(key);
      moderate({ action: action, key: key }, T.str("done_" + action, { word: word }));
    });

    $("[data-undo]").addEventListener("click", function () {
      moderate({}, T.str("done_undo"));
    });

    $("[data-merge-form]").addEventListener("submit", function (event) {
      event.preventDefault();
      var from = $("[data-merge-from]").value;
      var into = $("[data-merge-into]").value;
      if (!from || !into || from === into) {
        kit.say(T.str("merge_pick_two"), "error");
        $("[data-merge-from]").focus();
        return;
      }
      var message = T.str("done_merge", { from: displayOf(from), into: displayOf(into) });
      $("[data-merge-from]").value = "";
      $("[data-merge-into]").value = "";
      moderate({ action: "merge", from: from, into: into }, message);
    });

    return {
      panel: function () { return "wordcloud"; },
      render: scheduleModeration,
      on: {
        moderation: function (data) {
          if (!data || !data.activity_id) return;
          moderation[data.activity_id] = data;
          if (onScreen() && view.activity.id === data.activity_id) scheduleModeration();
        }
      }
    };
  }

  window.LiveKinds.register("wordcloud", { host: host, phone: phone, moderate: moderate });
})();
