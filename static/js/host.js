/* live: the host screen (projector).

   Connects with the session's host token, shows the lobby (QR code), then each
   activity: a poll with a live bar chart, a word cloud drawn as SVG text with the
   vendored d3-cloud layout (and the same words as a ranked list). Drives the
   session with buttons and keys. Everything people typed (title, prompts,
   options, words) goes in with textContent. */
(function () {
  "use strict";

  var root = document.getElementById("host");
  if (!root || typeof io !== "function") return;

  var code = root.getAttribute("data-code");
  var hostToken = root.getAttribute("data-host-token");
  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
  var archiveUrl = root.getAttribute("data-archive-url");
  var moderateUrl = root.getAttribute("data-moderate-url");

  var S = readJson("live-strings", {});
  var activities = normaliseActivities(readJson("live-activities", []));

  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var ANNOUNCE_PRESENCE_EVERY = 15000;

  var view = {
    phase: "lobby",
    activity: null,       // the activity on screen, as in the last "state"
    results: {},          // activity id -> last "results" payload
    presence: { n_participants: 0, n_connected: 0 },
    connected: false,
    everConnected: false,
    ended: false,
    busy: false,
    fatal: false
  };
  var chartFor = null;    // id of the activity the chart rows were built for
  var bars = [];          // [{row, fill, count, percent, votes}]

  /* ---- small helpers ------------------------------------------------------ */

  function readJson(id, fallback) {
    var node = document.getElementById(id);
    if (!node) return fallback;
    try { return JSON.parse(node.textContent); } catch (e) { return fallback; }
  }

  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  function str(key, values) {
    var text = S[key] || key;
    if (values) {
      Object.keys(values).forEach(function (name) {
        text = text.split("{" + name + "}").join(String(values[name]));
      });
    }
    return text;
  }

  var pluralRules = null;
  try { pluralRules = new Intl.PluralRules(lang); } catch (e) { pluralRules = null; }
  function plural(base, n) {
    var form = pluralRules ? pluralRules.select(n) : (n === 1 ? "one" : "other");
    return S[base + "_" + form] || S[base + "_other"] || "";
  }

  var numberFormat = null, percentFormat = null;
  try {
    numberFormat = new Intl.NumberFormat(lang);
    percentFormat = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  } catch (e) { /* old browser: plain numbers */ }
  function formatNumber(n) { return numberFormat ? numberFormat.format(n) : String(n); }
  function formatPercent(ratio) {
    return percentFormat ? percentFormat.format(ratio) : Math.round(ratio * 100) + "%";
  }

  /* Fill a translated template ("{connected} connected · {joined} joined") with
     nodes, keeping the translator's word order. */
  function fillTemplate(container, template, nodes) {
    while (container.firstChild) container.removeChild(container.firstChild);
    var parts = template.split(/(\{[a-z_]+\})/);
    parts.forEach(function (part) {
      var match = /^\{([a-z_]+)\}$/.exec(part);
      if (match && nodes[match[1]]) container.appendChild(nodes[match[1]]);
      else if (part) container.appendChild(document.createTextNode(part));
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function normaliseActivities(list) {
    return (list || []).slice().sort(function (a, b) { return a.position - b.position; });
  }

  function activityById(id) {
    for (var i = 0; i < activities.length; i++) if (activities[i].id === id) return activities[i];
    return null;
  }

  function indexOfActivity(id) {
    for (var i = 0; i < activities.length; i++) if (activities[i].id === id) return i;
    return -1;
  }

  /* ---- announcements (polite, not chatty) -------------------------------- */

  var announcer = $("[data-announcer]");
  var announceTimer = null;
  function announce(message) {
    if (!announcer || !message) return;
    announcer.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { announcer.textContent = message; }, 60);
  }

  var lastPresenceAnnounced = null;
  var presenceTimer = null;
  function schedulePresenceAnnouncement() {
    if (presenceTimer) return;
    presenceTimer = setTimeout(function () {
      presenceTimer = null;
      var n = view.presence.n_connected;
      if (n !== lastPresenceAnnounced) {
        lastPresenceAnnounced = n;
        announce(str("announce_presence", { connected: formatNumber(n) }));
      }
    }, ANNOUNCE_PRESENCE_EVERY);
  }

  var messageNode = $("[data-message]");
  var messageTimer = null;
  function showMessage(text, sticky) {
    if (!messageNode) return;
    messageNode.textContent = text || "";
    clearTimeout(messageTimer);
    if (text && !sticky) messageTimer = setTimeout(function () { messageNode.textContent = ""; }, 8000);
  }

  /* ---- rendering ----------------------------------------------------------- */

  function showScreen(name) {
    root.setAttribute("data-phase", name);
    $all("[data-screen]").forEach(function (screen) {
      screen.hidden = screen.getAttribute("data-screen") !== name;
    });
  }

  function renderTitle(title) {
    if (!title) return;
    $all("[data-title]").forEach(function (node) { node.textContent = title; });
  }

  function renderPresence() {
    var p = view.presence;
    var connected = el("span", null, formatNumber(p.n_connected));
    connected.setAttribute("data-testid", "n-connected");
    var joined = el("span", null, formatNumber(p.n_participants));
    joined.setAttribute("data-testid", "n-joined");
    fillTemplate($("[data-presence-text]"), str("presence"), { connected: connected, joined: joined });
    var lobbyCount = $("[data-lobby-count]");
    if (lobbyCount) lobbyCount.textContent = formatNumber(p.n_connected);
    var lobbyLabel = $("[data-lobby-count-label]");
    if (lobbyLabel) lobbyLabel.textContent = plural("lobby_count", p.n_connected);
  }

  function buildChart(activity) {
    var chart = $("[data-chart]");
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    bars = [];
    var options = activity.options || [];
    chart.setAttribute("data-density", options.length > 6 ? "dense" : options.length > 4 ? "medium" : "normal");
    chart.setAttribute("aria-label", str("chart_label", { n: (indexOfActivity(activity.id) + 1) || activity.position + 1 }));
    options.forEach(function (option, index) {
      var row = el("li", "bar");
      row.setAttribute("data-testid", "bar-" + index);
      var label = el("span", "bar__label");
      label.appendChild(el("span", "bar__letter", LETTERS.charAt(index)));
      label.appendChild(el("span", "bar__text", option));
      var figures = el("span", "bar__figures");
      var count = el("span", "bar__count", "0");
      count.setAttribute("data-testid", "count-" + index);
      var votes = el("span", "visually-hidden", " " + plural("votes", 0));
      var percent = el("span", "bar__percent", formatPercent(0));
      percent.setAttribute("data-testid", "percent-" + index);
      figures.appendChild(count);
      figures.appendChild(votes);
      figures.appendChild(percent);
      var track = el("span", "bar__track");
      track.setAttribute("aria-hidden", "true");
      var fill = el("span", "bar__fill");
      track.appendChild(fill);
      row.appendChild(label);
      row.appendChild(figures);
      row.appendChild(track);
      chart.appendChild(row);
      bars.push({ row: row, fill: fill, count: count, percent: percent, votes: votes });
    });
    chartFor = activity.id;
  }

  function isWordCloud(activity) { return !!activity && activity.type === "wordcloud"; }

  function renderResults() {
    var activity = view.activity;
    if (!activity) return;
    if (isWordCloud(activity)) return renderCloudResults();
    var result = view.results[activity.id];
    var known = activityById(activity.id);
    var counts = (result && result.counts) || [];
    var nAnswers = result ? result.n_answers : (known && known.n_answers) || 0;
    var max = 0;
    counts.forEach(function (c) { if (c > max) max = c; });
    bars.forEach(function (bar, index) {
      var count = counts[index] || 0;
      var ratio = nAnswers > 0 ? count / nAnswers : 0;
      bar.count.textContent = formatNumber(count);
      bar.votes.textContent = " " + plural("votes", count) + ",";
      bar.percent.textContent = formatPercent(ratio);
      bar.fill.style.width = Math.min(100, ratio * 100).toFixed(2) + "%";
      bar.row.classList.toggle("is-leading", max > 0 && count === max);
    });
    var answers = $("[data-testid='n-answers']");
    answers.textContent = formatNumber(nAnswers);
    $("[data-answers-label]").textContent = plural("answers", nAnswers);
  }

  function renderActivity() {
    var activity = view.activity;
    if (!activity) return;
    var wordCloud = isWordCloud(activity);
    if (chartFor !== activity.id) {
      if (wordCloud) {
        var chart = $("[data-chart]");
        while (chart.firstChild) chart.removeChild(chart.firstChild);
        bars = [];
        chartFor = activity.id;
      } else {
        buildChart(activity);
      }
    }
    if (wordCloud && cloud.activityId !== activity.id) resetCloud(activity.id);
    var section = $("[data-screen='activity']");
    section.setAttribute("data-kind", wordCloud ? "wordcloud" : "poll");
    $("[data-chart]").hidden = wordCloud;
    $("[data-cloud]").hidden = !wordCloud;
    $("[data-words-figure]").hidden = !wordCloud;
    $("[data-action='list']").hidden = !wordCloud;
    var index = indexOfActivity(activity.id);
    var total = activities.length || view.nActivities || 1;
    var allPolls = activities.every(function (a) { return !a.type || a.type === "poll"; });
    $("[data-activity-number]").textContent = str(allPolls ? "poll_n_of_m" : "activity_n_of_m", {
      n: index >= 0 ? index + 1 : activity.position + 1, m: total
    });
    var prompt = $("[data-prompt]");
    prompt.textContent = activity.prompt || "";
    var length = (activity.prompt || "").length;
    prompt.classList.toggle("is-long", length > 90 && length <= 180);
    prompt.classList.toggle("is-very-long", length > 180);
    var status = $("[data-status]");
    var key = activity.status === "open" ? "open" : activity.status === "closed" ? "closed" : "pending";
    status.className = "status status--" + key;
    status.setAttribute("data-state", key);
    if (wordCloud) {
      status.textContent = key === "open" ? str("wc_open") : key === "closed" ? str("wc_closed") : str("not_opened");
      var maxEntries = activity.max_entries || 1;
      var kind = plural("wc_entries", maxEntries).split("{n}").join(formatNumber(maxEntries));
      if (activity.single_word) kind += " · " + str("wc_single_word");
      $("[data-activity-kind]").textContent = kind;
    } else {
      status.textContent = key === "open" ? str("voting_open") : key === "closed" ? str("voting_closed") : str("not_opened");
      $("[data-activity-kind]").textContent = activity.multiple ? str("multiple_choice") : str("single_choice");
    }
    renderResults();
    fit();
  }

  /* ---- word cloud ------------------------------------------------------------
     The layout (d3-cloud) runs at most once a second, synchronously, with a
     random source seeded by each word: the same words give the same cloud, and
     a new small word does not move the others. Words keep a stable order (count,
     then first seen); <text> elements are keyed by word and glide to their new
     place and size with CSS transitions. The ranked list holds the same words
     for screen readers (and on screen with L). */

  var SVG_NS = "http://www.w3.org/2000/svg";
  var CLOUD_LAYOUT_EVERY = 1000;
  var ANNOUNCE_CLOUD_EVERY = 5000;
  var PALETTE_SIZE = 8;
  // Sizes follow count / scale; the scale moves in steps, so the words do not all
  // shrink each time the top word gets one more entry.
  var SCALE_STEPS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500];
  var reducedMotion = !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

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
    var group = cloudGroup();
    while (group.firstChild) group.removeChild(group.firstChild);
    var list = $("[data-word-list]");
    while (list.firstChild) list.removeChild(list.firstChild);
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

  function renderCloudResults() {
    var activity = view.activity;
    var result = view.results[activity.id];
    var known = activityById(activity.id);
    cloud.words = readWords(result);
    cloud.nWords = result && typeof result.n_words === "number" ? result.n_words : cloud.words.length;
    var nAnswers = result ? result.n_answers : (known && known.n_answers) || 0;
    $("[data-testid='n-answers']").textContent = formatNumber(nAnswers);
    $("[data-answers-label]").textContent = plural("entries", nAnswers);
    $("[data-testid='n-words']").textContent = formatNumber(cloud.nWords);
    $("[data-words-label]").textContent = plural("words", cloud.nWords);
    renderWordList();
    renderCloudView();
    scheduleLayout();
    scheduleCloudAnnouncement(nAnswers);
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

  function renderCloudView() {
    var box = cloudBox();
    var empty = cloud.words.length === 0;
    box.setAttribute("data-view", cloud.listView ? "list" : "cloud");
    $("[data-word-list]").classList.toggle("visually-hidden", !cloud.listView || empty);
    $("[data-cloud-empty]").hidden = !empty;
    var button = $("[data-action='list']");
    button.setAttribute("aria-pressed", cloud.listView ? "true" : "false");
    var label = button.querySelector(".visually-hidden");
    if (label) label.textContent = str("show_list");
  }

  function toggleList() {
    if (!isWordCloud(view.activity) || view.phase !== "activity") return;
    cloud.listView = !cloud.listView;
    renderCloudView();
    if (cloud.listView) fitList();
    else scheduleLayout(true);
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

  function scheduleCloudAnnouncement(nAnswers) {
    if (cloud.announceTimer) return;
    cloud.announceTimer = setTimeout(function () {
      cloud.announceTimer = null;
      if (!isWordCloud(view.activity) || !cloud.words.length) return;
      var result = view.results[view.activity.id];
      var n = result ? result.n_answers : nAnswers;
      var message = plural("announce_cloud", n).split("{n}").join(formatNumber(n)).split("{word}").join(cloud.words[0].display);
      if (message !== cloud.announced) {
        cloud.announced = message;
        announce(message);
      }
    }, ANNOUNCE_CLOUD_EVERY);
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

  function cloudVisible() {
    var box = cloudBox();
    return isWordCloud(view.activity) && view.phase === "activity" && !box.hidden && !cloud.listView &&
      !$("[data-screen='activity']").hidden;
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
      }, reducedMotion ? 0 : 700);
    });
    if (fresh.length) {
      // Let the new words be drawn once, invisible, then fade them in where they stand.
      void group.getBoundingClientRect();
      window.requestAnimationFrame(function () {
        fresh.forEach(function (text) { text.classList.remove("is-new"); });
      });
    }
  }

  /* Shrink the prompt, then the chart, until everything fits the screen: a poll
     with twelve long options must not run under the controls. */
  function fit() {
    var section = $("[data-screen='activity']");
    if (!section || section.hidden) return;
    var prompt = $("[data-prompt]");
    var chart = $("[data-chart]");
    var maxPrompt = window.innerHeight * 0.26;
    var scale = 1;
    prompt.style.setProperty("--fit", "1");
    while (prompt.offsetHeight > maxPrompt && scale > 0.5) {
      scale -= 0.05;
      prompt.style.setProperty("--fit", scale.toFixed(2));
    }
    if (isWordCloud(view.activity)) {
      if (cloud.listView) fitList();
      else if (cloud.size && (cloud.size[0] !== Math.floor(cloudBox().clientWidth) || cloud.size[1] !== Math.floor(cloudBox().clientHeight))) {
        scheduleLayout();
      }
      return;
    }
    scale = 1;
    chart.style.setProperty("--fit", "1");
    while (chart.scrollHeight > chart.clientHeight + 1 && scale > 0.4) {
      scale -= 0.05;
      chart.style.setProperty("--fit", scale.toFixed(2));
    }
  }

  var fitFrame = null;
  window.addEventListener("resize", function () {
    if (fitFrame) return;
    fitFrame = window.requestAnimationFrame(function () { fitFrame = null; fit(); });
  });

  function render() {
    if (view.phase === "ended" || view.ended) {
      showScreen("ended");
    } else if (view.phase === "activity" && view.activity) {
      showScreen("activity");
      renderActivity();
    } else {
      showScreen("lobby");
    }
    renderControls();
  }

  /* ---- controls ------------------------------------------------------------ */

  function targets() {
    var current = view.activity;
    var index = current ? indexOfActivity(current.id) : -1;
    var live = view.connected && !view.ended && view.phase !== "ended" && !view.busy && !view.fatal;
    var t = {};
    if (current && index >= 0) {
      t.open = current.status !== "open" ? current : null;
      t.close = current.status === "open" ? current : null;
      t.next = activities[index + 1] || null;
      t.previous = index > 0 ? activities[index - 1] : null;
    } else {
      t.open = activities[0] || null;
      t.close = null;
      t.next = activities[0] || null;
      t.previous = null;
    }
    t.end = true;
    Object.keys(t).forEach(function (k) { if (!live) t[k] = null; });
    return t;
  }

  function renderControls() {
    var t = targets();
    $all("[data-action]").forEach(function (button) {
      var action = button.getAttribute("data-action");
      if (!(action in t)) return;
      button.setAttribute("aria-disabled", t[action] ? "false" : "true");
    });
    var nextLabel = $("[data-next-label]");
    if (nextLabel) nextLabel.textContent = view.activity ? str("next") : str("start");
    var subject = view.activity || t.open || activities[0];
    var kind = isWordCloud(subject) ? "wordcloud" : "poll";
    $("[data-open-label]").textContent = str("open_" + kind);
    $("[data-close-label]").textContent = str("close_" + kind);
  }

  function errorText(error) {
    var codeName = error && error.code;
    if (codeName && S["error_" + codeName]) return str("error_" + codeName);
    return str("error_generic", { message: (error && error.message) || "?" });
  }

  function command(event, payload, timeout, done) {
    view.busy = true;
    renderControls();
    socket.timeout(timeout).emit(event, payload, function (err, ack) {
      view.busy = false;
      if (err) {
        showMessage(str("no_answer"));
      } else if (!ack || !ack.ok) {
        showMessage(errorText(ack && ack.error));
      } else {
        showMessage("");
        if (done) done(ack);
      }
      renderControls();
    });
  }

  function run(action) {
    var t = targets();
    if (action === "qr") return toggleQr();
    if (action === "fullscreen") return toggleFullscreen();
    if (action === "help") return toggleDialog(helpDialog);
    if (action === "list") return toggleList();
    if (action === "moderate") return openModeration();
    if (!t[action]) return;
    if (action === "end") return openDialog(endDialog);
    if (action === "close") return command("close", { activity_id: t.close.id }, 10000);
    command("open", { activity_id: t[action].id }, 10000);
  }

  function endSession() {
    showMessage(str("ending"), true);
    command("end", {}, 60000, function (ack) {
      view.ended = true;
      if (ack.archive_url) {
        // Same origin on purpose: the facilitator is signed in here, maybe not
        // on the public address the server printed.
        try {
          var url = new URL(ack.archive_url, window.location.href);
          archiveUrl = url.pathname + url.search;
        } catch (e) { /* keep the page's own link */ }
      }
      $all("[data-archive-link]").forEach(function (a) { a.setAttribute("href", archiveUrl); });
      announce(str("announce_ended"));
      render();
      var link = $("[data-archive-link]");
      if (link) link.focus();
    });
  }

  /* ---- dialogs, QR, fullscreen -------------------------------------------- */

  var endDialog = $("[data-end-dialog]");
  var helpDialog = $("[data-help-dialog]");
  var qrDialog = $("[data-qr-dialog]");

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
  function toggleDialog(dialog) {
    if (dialog.open) closeDialog(dialog); else openDialog(dialog);
  }
  function anyDialogOpen() {
    return [endDialog, helpDialog, qrDialog].some(function (d) { return d && d.open; });
  }
  function toggleQr() { toggleDialog(qrDialog); }

  function openModeration() {
    if (!moderateUrl) return;
    try { window.open(moderateUrl, "_blank", "noopener"); } catch (e) { /* blocked: the link is in the help */ }
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

  if (endDialog) {
    endDialog.addEventListener("close", function () {
      if (endDialog.returnValue === "end") endSession();
      endDialog.returnValue = "";
    });
  }
  $all("[data-close-dialog]").forEach(function (button) {
    button.addEventListener("click", function () {
      var dialog = button.closest("dialog");
      closeDialog(dialog);
    });
  });
  [qrDialog, helpDialog].forEach(function (dialog) {
    if (!dialog) return;
    // A click on the dimmed backdrop closes the window.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) closeDialog(dialog);
    });
  });

  $all("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-disabled") === "true") return;
      run(button.getAttribute("data-action"));
    });
  });

  /* ---- keyboard ------------------------------------------------------------ */

  var KEYS = {
    o: "open", c: "close",
    n: "next", arrowright: "next", pagedown: "next",
    p: "previous", arrowleft: "previous", pageup: "previous",
    e: "end", q: "qr", f: "fullscreen", "?": "help",
    l: "list", m: "moderate"
  };

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    var key = (event.key || "").toLowerCase();
    var action = KEYS[key];
    if (!action) return;
    if (anyDialogOpen()) {
      // Inside a window only its own toggle key works; Esc closes it natively.
      if (action === "qr" && qrDialog.open) { event.preventDefault(); closeDialog(qrDialog); }
      else if (action === "help" && helpDialog.open) { event.preventDefault(); closeDialog(helpDialog); }
      return;
    }
    // Arrows keep their meaning on focused controls that use them.
    if ((key === "arrowleft" || key === "arrowright") && event.target && event.target.tagName === "A") return;
    event.preventDefault();
    run(action);
  });

  /* ---- connection ---------------------------------------------------------- */

  var offlineBanner = $("[data-offline]");
  var fatalBanner = $("[data-fatal]");

  function setOffline(offline) {
    var hidden = !offline || view.fatal;
    if (offlineBanner.hidden !== hidden) {
      offlineBanner.hidden = hidden;
      fit();
    }
    root.classList.toggle("is-offline", offline);
  }

  function showFatal(message) {
    view.fatal = true;
    offlineBanner.hidden = true;
    fatalBanner.hidden = false;
    $("[data-fatal-text]").textContent = message;
    renderControls();
    fit();
  }

  var socket = io({
    auth: { code: code, host_token: hostToken, lang: lang },
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5
  });

  socket.on("connect", function () {
    view.connected = true;
    setOffline(false);
    if (view.everConnected) announce(str("online"));
    view.everConnected = true;
    renderControls();
  });

  socket.on("disconnect", function (reason) {
    view.connected = false;
    view.busy = false;
    if (reason === "io client disconnect") return;
    setOffline(true);
    announce(str("offline"));
    renderControls();
    // The server closed us (restart): socket.io does not retry that by itself.
    if (reason === "io server disconnect") socket.connect();
  });

  socket.on("connect_error", function (err) {
    var data = err && err.data;
    if (data && data.code) {
      showFatal(S["error_" + data.code] ? str("error_" + data.code) : (data.message || err.message));
      return;
    }
    setOffline(true);
  });

  socket.on("host_state", function (payload) {
    if (payload.activities) activities = normaliseActivities(payload.activities);
    if (payload.presence) view.presence = payload.presence;
    renderPresence();
    if (payload.state) applyState(payload.state, true);
  });

  socket.on("state", function (state) { applyState(state, false); });

  socket.on("presence", function (presence) {
    view.presence = presence;
    renderPresence();
    schedulePresenceAnnouncement();
  });

  socket.on("results", function (result) {
    if (!result || !result.activity_id) return;
    view.results[result.activity_id] = result;
    var known = activityById(result.activity_id);
    if (known) {
      known.n_answers = result.n_answers;
      if (result.status) known.status = result.status;
    }
    if (view.activity && view.activity.id === result.activity_id) {
      if (result.status && result.status !== view.activity.status) {
        view.activity.status = result.status;
        renderActivity();
        renderControls();
      } else {
        renderResults();
      }
    }
  });

  function applyState(state, initial) {
    if (!state) return;
    var before = view.activity;
    renderTitle(state.title);
    view.nActivities = state.n_activities;
    view.phase = state.phase;
    view.activity = state.activity || null;
    if (view.activity) {
      var known = activityById(view.activity.id);
      if (known) known.status = view.activity.status;
    }
    if (state.phase === "ended") view.ended = true;
    render();

    if (initial) return;
    var now = view.activity;
    if (state.phase === "ended") {
      announce(str("announce_ended"));
    } else if (now && (!before || before.id !== now.id || before.status !== now.status)) {
      if (now.status === "open") announce(str(isWordCloud(now) ? "announce_open_wordcloud" : "announce_open", { prompt: now.prompt }));
      else if (now.status === "closed") announce(str("announce_closed"));
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !socket.connected && !view.fatal) socket.connect();
  });

  renderPresence();
  render();
})();
