/* live: the host screen (projector).

   Connects with the session's host token, shows the lobby (QR code), then each
   activity: a poll with a live bar chart, a word cloud drawn as SVG text with the
   vendored d3-cloud layout (and the same words as a ranked list). Drives the
   session with buttons and keys (the buttons' logic is in controls.js, shared
   with the moderation console; small helpers are in common.js). Everything
   people typed (title, prompts, options, words) goes in with textContent. */
(function () {
  "use strict";

  var root = document.getElementById("host");
  if (!root || typeof io !== "function") return;

  var code = root.getAttribute("data-code");
  var hostToken = root.getAttribute("data-host-token");
  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
  var moderateUrl = root.getAttribute("data-moderate-url");

  var C = window.LiveCommon;
  var S = C.readJson("live-strings", {});
  var T = C.texts(S, lang);
  var activities = C.normaliseActivities(C.readJson("live-activities", []));

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
    fatal: false,
    podium: null,         // the last "podium" payload
    showPodium: false,    // the podium is on screen (K)
    announced: {},        // activity id -> what was already announced about it
    joins: { locked: false, expected_participants: null, n_waiting: 0 },  // the last "joins"
    waitingDismissed: 0   // "Not now" while this many were waiting: shown again when more come
  };
  var chartFor = null;    // id of the activity the chart rows were built for
  var bars = [];          // [{row, fill, count, percent, votes}]

  /* ---- small helpers (most in common.js) ------------------------------- */

  var str = T.str, plural = T.plural, formatNumber = T.formatNumber, playerName = T.playerName;
  var el = C.el, isWordCloud = C.isWordCloud, isQuiz = C.isQuiz, LETTERS = C.LETTERS;
  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function activityById(id) { return C.activityById(activities, id); }
  function indexOfActivity(id) { return C.indexOfActivity(activities, id); }

  var percentFormat = null;
  try {
    percentFormat = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  } catch (e) { /* old browser: plain numbers */ }
  function formatPercent(ratio) {
    return percentFormat ? percentFormat.format(ratio) : Math.round(ratio * 100) + "%";
  }

  /* ---- announcements (polite, not chatty) -------------------------------- */

  var announce = C.announcer($("[data-announcer]"), 60);

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
    C.fillTemplate($("[data-presence-text]"), str("presence"), { connected: connected, joined: joined });
    var lobbyCount = $("[data-lobby-count]");
    if (lobbyCount) lobbyCount.textContent = formatNumber(p.n_connected);
    var lobbyLabel = $("[data-lobby-count-label]");
    if (lobbyLabel) lobbyLabel.textContent = plural("lobby_count", p.n_connected);
  }

  /* ---- joins: the lock (J) and the phones waiting beyond the expected size (A) ---- */

  var waitingAnnounced = 0;
  function renderJoins() {
    var joins = view.joins || {};
    var locked = !!joins.locked;
    $all("[data-joins-closed]").forEach(function (badge) { badge.hidden = !locked; });
    root.classList.toggle("is-joins-locked", locked);
    var expected = $("[data-expected]");
    expected.hidden = !joins.expected_participants;
    expected.textContent = joins.expected_participants ? "· " + str("expected", { n: formatNumber(joins.expected_participants) }) : "";
    var waiting = joins.n_waiting || 0;
    if (waiting < view.waitingDismissed) view.waitingDismissed = waiting;
    var prompt = $("[data-joins-prompt]");
    var show = waiting > 0 && !locked && !view.ended && view.phase !== "ended" && waiting > view.waitingDismissed;
    prompt.hidden = !show;
    if (!show) {
      if (!waiting) waitingAnnounced = 0;
      return;
    }
    $("[data-waiting-count]").textContent = "+" + formatNumber(waiting);
    $("[data-waiting-title]").textContent = plural("waiting_title", waiting).split("{n}").join(formatNumber(waiting));
    $("[data-waiting-detail]").textContent = joins.expected_participants ?
      str("waiting_detail", { n: formatNumber(joins.expected_participants) }) : str("waiting_detail_none");
    if (waiting > waitingAnnounced) announce(plural("announce_waiting", waiting).split("{n}").join(formatNumber(waiting)));
    waitingAnnounced = waiting;
  }

  $("[data-joins-dismiss]").addEventListener("click", function () {
    view.waitingDismissed = (view.joins && view.joins.n_waiting) || 0;
    renderJoins();
  });

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

  function renderResults() {
    var activity = view.activity;
    if (!activity) return;
    if (isWordCloud(activity)) return renderCloudResults();
    if (isQuiz(activity)) return renderQuizResults();
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
    var quiz = isQuiz(activity);
    if (chartFor !== activity.id) {
      if (!quiz) clearQuiz();
      if (wordCloud || quiz) {
        var chart = $("[data-chart]");
        while (chart.firstChild) chart.removeChild(chart.firstChild);
        bars = [];
        chartFor = activity.id;
        if (quiz) buildQuiz(activity);
      } else {
        buildChart(activity);
      }
    }
    if (wordCloud && cloud.activityId !== activity.id) resetCloud(activity.id);
    var section = $("[data-screen='activity']");
    section.setAttribute("data-kind", wordCloud ? "wordcloud" : quiz ? "quiz" : "poll");
    if (!quiz) section.removeAttribute("data-stage");
    $("[data-chart]").hidden = wordCloud || quiz;
    $("[data-quiz]").hidden = !quiz;
    $("[data-countdown]").hidden = !quiz || activity.status === "revealed";
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
    var key = activity.status === "open" ? "open" : activity.status === "closed" ? "closed" :
      activity.status === "revealed" ? "revealed" : "pending";
    status.className = "status status--" + key;
    status.setAttribute("data-state", key);
    if (quiz) {
      status.textContent = key === "pending" ? str("not_opened") : str("quiz_" + key);
      var nCorrect = activity.n_correct || 1;
      $("[data-activity-kind]").textContent = plural("quiz_kind", nCorrect).split("{n}").join(formatNumber(nCorrect)) +
        " · " + str("quiz_points", { n: formatNumber(activity.points || 0) });
    } else if (wordCloud) {
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

  /* ---- a quiz question -------------------------------------------------------
     While it runs: the prompt, a countdown and the answer tiles (letter, shape and
     colour: never colour alone), with only the number of answers (a live
     distribution would hint the answer). Once revealed: the distribution with the
     correct options marked, and the top 5. Then, on K, the podium. */

  var LEADERS = 5;
  var optionBadge = C.optionBadge;

  var quizView = { tiles: [], rows: [] };

  /* Nothing of a quiz question stays in the page once another activity is on
     (its test ids and counts would be found twice). */
  function clearQuiz() {
    ["[data-tiles]", "[data-qbars]", "[data-leaderboard]"].forEach(function (selector) {
      var node = $(selector);
      while (node.firstChild) node.removeChild(node.firstChild);
    });
    quizView = { tiles: [], rows: [] };
  }

  function buildQuiz(activity) {
    var tiles = $("[data-tiles]");
    var qbars = $("[data-qbars]");
    clearQuiz();
    var options = activity.options || [];
    tiles.setAttribute("data-count", String(options.length));
    tiles.setAttribute("data-long", options.some(function (o) { return String(o).length > 40; }) ? "true" : "false");
    qbars.setAttribute("data-count", String(options.length));
    options.forEach(function (option, index) {
      var tile = el("li", "tile tile--c" + index);
      tile.setAttribute("data-testid", "tile-" + index);
      tile.appendChild(optionBadge(index));
      tile.appendChild(el("span", "visually-hidden", LETTERS.charAt(index) + ": "));
      tile.appendChild(el("span", "tile__text", option));
      tiles.appendChild(tile);
      quizView.tiles.push(tile);

      var row = el("li", "qbar tile--c" + index);
      row.setAttribute("data-testid", "qbar-" + index);
      var label = el("span", "qbar__label");
      label.appendChild(optionBadge(index));
      label.appendChild(el("span", "visually-hidden", LETTERS.charAt(index) + ": "));
      label.appendChild(el("span", "qbar__text", option));
      var figures = el("span", "qbar__figures");
      var mark = el("span", "qbar__correct");
      mark.appendChild(el("span", "qbar__check", "✓"));
      mark.firstChild.setAttribute("aria-hidden", "true");
      mark.appendChild(document.createTextNode(" " + str("correct")));
      mark.hidden = true;
      var count = el("span", "qbar__count", "0");
      count.setAttribute("data-testid", "count-" + index);
      var unit = el("span", "visually-hidden", " " + plural("answers", 0));
      figures.appendChild(mark);
      figures.appendChild(count);
      figures.appendChild(unit);
      var track = el("span", "qbar__track");
      track.setAttribute("aria-hidden", "true");
      var fill = el("span", "qbar__fill");
      track.appendChild(fill);
      row.appendChild(label);
      row.appendChild(figures);
      row.appendChild(track);
      qbars.appendChild(row);
      quizView.rows.push({ row: row, mark: mark, count: count, unit: unit, fill: fill });
    });
  }


  function renderQuizResults() {
    var activity = view.activity;
    var result = view.results[activity.id];
    var known = activityById(activity.id);
    var nAnswers = result ? result.n_answers : (known && known.n_answers) || 0;
    $("[data-testid='n-answers']").textContent = formatNumber(nAnswers);
    $("[data-answers-label]").textContent = plural("answers", nAnswers);
    var revealed = activity.status === "revealed";
    var box = $("[data-quiz]");
    box.setAttribute("data-stage", revealed ? "results" : "question");
    $("[data-screen='activity']").setAttribute("data-stage", revealed ? "results" : "question");
    box.setAttribute("data-status", activity.status || "pending");
    $("[data-tiles]").hidden = revealed;
    $("[data-quiz-results]").hidden = !revealed;
    if (!revealed) return;

    // Only now: the distribution, from results sent after the reveal (they also
    // hold the standings with this question), else from the state.
    var fresh = result && result.status === "revealed" ? result : null;
    var counts = (fresh && fresh.counts) || activity.counts || [];
    var correct = activity.correct || (fresh && fresh.correct) || [];
    var total = 0;
    counts.forEach(function (c) { total += c || 0; });
    var max = 0;
    counts.forEach(function (c) { if (c > max) max = c; });
    quizView.rows.forEach(function (bar, index) {
      var count = counts[index] || 0;
      var isRight = correct.indexOf(index) !== -1;
      bar.count.textContent = formatNumber(count);
      bar.unit.textContent = " " + plural("answers", count);
      bar.mark.hidden = !isRight;
      bar.row.classList.toggle("is-correct", isRight);
      bar.row.classList.toggle("is-wrong", !isRight);
      bar.fill.style.width = (max > 0 ? Math.max(count ? 1.5 : 0, count / max * 100) : 0).toFixed(2) + "%";
    });
    renderLeaderboard(fresh);
  }

  function renderLeaderboard(result) {
    var list = $("[data-leaderboard]");
    var rows = (result && result.leaderboard) || [];
    var top = rows.slice(0, LEADERS);
    while (list.firstChild) list.removeChild(list.firstChild);
    top.forEach(function (row, index) {
      var item = el("li", "leader" + (index === 0 ? " is-first" : ""));
      item.setAttribute("data-testid", "leader-" + index);
      item.appendChild(el("span", "leader__rank", formatNumber(row.rank || index + 1)));
      var name = el("span", "leader__name" + (row.name ? "" : " is-anonymous"), playerName(row, rows));
      item.appendChild(name);
      var score = el("span", "leader__score", formatNumber(row.score || 0));
      item.appendChild(score);
      item.appendChild(el("span", "visually-hidden", " " + plural("points", row.score || 0)));
      list.appendChild(item);
    });
    $("[data-leaderboard-empty]").hidden = !(result && rows.length === 0);
    if (list.getAttribute("data-rows") !== String(top.length)) {
      list.setAttribute("data-rows", String(top.length));
      fit();
    }
    var activity = view.activity;
    var said = view.announced[activity.id] || (view.announced[activity.id] = {});
    if (top.length && !said.leader) {
      said.leader = true;
      queueAnnouncement(str("announce_leader", { name: playerName(top[0], rows), score: formatNumber(top[0].score || 0) }));
    }
  }

  /* Two announcements in a row (the answer, then who leads) must not cut each other. */
  var announceQueue = [];
  var queueTimer = null;
  function queueAnnouncement(message) {
    announceQueue.push(message);
    if (queueTimer) return;
    (function next() {
      var m = announceQueue.shift();
      if (!m) { queueTimer = null; return; }
      announce(m);
      queueTimer = setTimeout(next, 2500);
    })();
  }

  function describeCorrect(activity) {
    return (activity.correct || []).map(function (index) {
      return LETTERS.charAt(index) + " — " + ((activity.options || [])[index] || "");
    }).join(", ");
  }

  function announceQuiz(activity) {
    var said = view.announced[activity.id] || (view.announced[activity.id] = {});
    if (activity.status === "open") {
      said.ten = said.zero = false;
      queueAnnouncement(str("announce_quiz_open", {
        n: formatNumber(Math.ceil((activity.remaining_ms || 0) / 1000)), prompt: activity.prompt
      }));
    } else if (activity.status === "closed") {
      if (!said.zero) { said.zero = true; queueAnnouncement(str("announce_time_up")); }
    } else if (activity.status === "revealed") {
      queueAnnouncement(str("announce_revealed", { answer: describeCorrect(activity) }));
    }
  }

  /* Shrink the tiles (or the results) until they fit above the controls. */
  function fitQuiz() {
    var section = $("[data-screen='activity']");
    var quiz = $("[data-quiz]");
    var figures = $(".activity__figures");
    var results = $("[data-quiz-results]");
    var scale = 1;
    function set(value) {
      quiz.style.setProperty("--fit", value);
      figures.style.setProperty("--fit", value);
    }
    function overflows() {
      if (!results.hidden) return results.scrollHeight > results.clientHeight + 1;
      // The stage (countdown, answers) must keep its own room, and the tiles theirs.
      return figures.scrollHeight > figures.clientHeight + 1 || section.scrollHeight > section.clientHeight + 1;
    }
    set("1");
    while (overflows() && scale > 0.45) {
      scale -= 0.05;
      set(scale.toFixed(2));
    }
  }

  /* ---- the countdown ----------------------------------------------------------
     From remaining_ms when a "state" arrives (performance.now(): no clock is
     compared with the server's). A new state (time added) starts it again. */

  var countdown = { activityId: null, deadline: 0, duration: 1, timer: null, shown: null };

  function startCountdown(activity) {
    clearInterval(countdown.timer);
    countdown.timer = null;
    if (!isQuiz(activity)) { countdown.activityId = null; return; }
    countdown.activityId = activity.id;
    countdown.duration = Math.max(1, activity.duration_ms || (activity.seconds || 0) * 1000);
    countdown.shown = null;
    if (activity.status === "open") {
      countdown.deadline = window.performance.now() + Math.max(0, activity.remaining_ms || 0);
      countdown.timer = setInterval(tickCountdown, 200);
      // Time added: the end will be announced again when it comes.
      if ((activity.remaining_ms || 0) > 0) (view.announced[activity.id] || (view.announced[activity.id] = {})).zero = false;
    } else {
      countdown.deadline = 0;
    }
    tickCountdown();
  }

  function tickCountdown() {
    var activity = view.activity;
    if (!activity || activity.id !== countdown.activityId) return;
    var box = $("[data-countdown]");
    var running = activity.status === "open";
    var remaining = 0;
    if (running) remaining = Math.max(0, countdown.deadline - window.performance.now());
    else if (activity.status !== "closed" && activity.status !== "revealed") remaining = countdown.duration;
    var seconds = Math.ceil(remaining / 1000);
    var stateName = !running ? (activity.status === "closed" || activity.status === "revealed" ? "up" : "idle")
      : seconds <= 0 ? "up" : seconds <= 5 ? "urgent" : "running";
    box.setAttribute("data-state", stateName);
    var fraction = running || stateName === "idle" ? Math.min(1, remaining / countdown.duration) : 0;
    var ring = $("[data-countdown-ring]");
    if (!reducedMotion || countdown.shown !== seconds) ring.style.strokeDashoffset = (100 - fraction * 100).toFixed(2);
    if (countdown.shown !== seconds) {
      var before = countdown.shown;
      countdown.shown = seconds;
      $("[data-countdown-number]").textContent = formatNumber(seconds);
      $("[data-countdown-unit]").textContent = stateName === "up" ? str("time_up") : plural("seconds", seconds);
      var said = view.announced[activity.id] || (view.announced[activity.id] = {});
      if (running && before !== null && before > 10 && seconds <= 10 && seconds > 0) queueAnnouncement(str("announce_ten"));
      if (running && seconds === 0 && !said.zero) {
        said.zero = true;
        queueAnnouncement(str("announce_time_up"));
      }
    }
    if (running && seconds <= 0) {
      // The server closes the question itself (after a short grace): wait for its state.
      clearInterval(countdown.timer);
      countdown.timer = null;
    }
  }

  /* ---- the podium ------------------------------------------------------------ */

  var podiumSeq = 0;
  var podiumDrawn = -1;

  function renderPodium() {
    if (podiumDrawn === podiumSeq) return;
    podiumDrawn = podiumSeq;
    var data = view.podium || {};
    var rows = (data.podium || []).slice(0, 3);
    var list = $("[data-podium-steps]");
    while (list.firstChild) list.removeChild(list.firstChild);
    rows.forEach(function (row, index) {
      var place = index + 1;
      var item = el("li", "podium__place podium__place--" + place);
      item.setAttribute("data-testid", "podium-" + place);
      var who = el("div", "podium__who");
      who.appendChild(el("p", "podium__name" + (row.name ? "" : " is-anonymous"), playerName(row, data.podium)));
      var score = el("p", "podium__score");
      score.appendChild(el("strong", null, formatNumber(row.score || 0)));
      score.appendChild(document.createTextNode(" " + plural("points", row.score || 0)));
      who.appendChild(score);
      var step = el("div", "podium__step");
      step.appendChild(el("span", "podium__ordinal", str("place_" + place)));
      item.appendChild(who);
      item.appendChild(step);
      list.appendChild(item);
    });
    // Fewer than three players: the empty steps keep the podium's shape (1st in the middle).
    for (var place = rows.length + 1; rows.length && place <= 3; place++) {
      var empty = el("li", "podium__place podium__place--" + place + " is-empty");
      empty.setAttribute("aria-hidden", "true");
      var blank = el("div", "podium__who");
      blank.appendChild(el("p", "podium__name", "\u00a0"));
      empty.appendChild(blank);
      var emptyStep = el("div", "podium__step");
      emptyStep.appendChild(el("span", "podium__ordinal", str("place_" + place)));
      empty.appendChild(emptyStep);
      list.appendChild(empty);
    }
    $("[data-podium-empty]").hidden = rows.length > 0;
    var n = data.n_players || 0;
    $("[data-podium-count]").textContent = plural("players", n).split("{n}").join(formatNumber(n));
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
    if (isQuiz(view.activity)) return fitQuiz();
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
    } else if (view.showPodium && view.podium) {
      showScreen("podium");
      renderPodium();
    } else if (view.phase === "activity" && view.activity) {
      showScreen("activity");
      renderActivity();
    } else {
      showScreen("lobby");
    }
    renderJoins();
    renderControls();
  }

  /* ---- controls (controls.js) ---------------------------------------------- */

  var controls = window.LiveControls.create({
    root: root,
    view: view,
    activities: function () { return activities; },
    texts: T,
    announce: announce,
    renderPage: render,
    socket: function () { return socket; },
    failed: function (text) { showMessage(text); },
    succeeded: function () { showMessage(""); },
    local: {
      qr: toggleQr,
      fullscreen: toggleFullscreen,
      help: function () { toggleDialog(helpDialog); },
      list: toggleList,
      moderate: openModeration
    },
    podiumOnScreen: function () { return view.showPodium; },
    hidePodium: function () {
      if (!view.showPodium) return false;
      view.showPodium = false;
      render();
      return true;
    },
    timeAdded: function () { announce(str("announce_time_added")); },
    joinsChanged: function () {
      renderJoins();
      announce(str(view.joins.locked ? "announce_locked" : "announce_unlocked"));
    },
    letIn: function () {
      view.waitingDismissed = 0;
      announce(str("announce_let_in"));
    },
    ending: function () { showMessage(str("ending"), true); },
    ended: function (ack) {
      // The session is over for everyone even when its archive failed (a full disk):
      // say so on the end screen, with what the server reported.
      var failed = $("[data-archive-failed]");
      if (failed && ack && ack.archive_error) {
        failed.textContent = str("archive_failed", { message: ack.archive_error.message || "" });
        failed.hidden = false;
      }
      var link = $("[data-archive-link]");
      if (link) link.focus();
    },
    rendered: function () {
      $("[data-action='podium']").setAttribute("aria-pressed", view.showPodium ? "true" : "false");
    }
  });
  var renderControls = controls.render;
  var run = controls.run;

  /* ---- dialogs, QR, fullscreen -------------------------------------------- */

  var endDialog = controls.endDialog;
  var helpDialog = $("[data-help-dialog]");
  var qrDialog = $("[data-qr-dialog]");
  var openDialog = C.openDialog, closeDialog = C.closeDialog;

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

  /* ---- keyboard ------------------------------------------------------------ */

  var KEYS = {
    o: "open", c: "close",
    n: "next", arrowright: "next", pagedown: "next",
    p: "previous", arrowleft: "previous", pageup: "previous",
    e: "end", q: "qr", f: "fullscreen", "?": "help",
    l: "list", m: "moderate",
    t: "add_time", r: "reveal", k: "podium",
    j: "joins", a: "admit"
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

  var socket = window.LiveControls.connect({
    auth: { code: code, host_token: hostToken, lang: lang },
    view: view, texts: T, announce: announce, setOffline: setOffline, showFatal: showFatal, render: renderControls
  });

  socket.on("host_state", function (payload) {
    if (payload.activities) activities = C.normaliseActivities(payload.activities);
    if (payload.presence) view.presence = payload.presence;
    if (payload.joins) view.joins = payload.joins;
    renderPresence();
    if (payload.state) applyState(payload.state, true);
    renderJoins();
  });

  socket.on("joins", function (joins) {
    if (!joins) return;
    view.joins = joins;
    renderJoins();
    renderControls();
  });

  socket.on("state", function (state) { applyState(state, false); });

  socket.on("podium", function (payload) {
    if (!payload) return;
    view.podium = payload;
    view.showPodium = true;
    podiumSeq++;
    render();
    var names = (payload.podium || []).map(function (row, i) { return str("place_" + (i + 1)) + " " + playerName(row, payload.podium); });
    if (names.length) announce(str("announce_podium", { names: names.join(", ") }));
  });

  socket.on("presence", function (presence) {
    view.presence = presence;
    renderPresence();
    schedulePresenceAnnouncement();
  });

  socket.on("results", function (result) {
    if (!result || !result.activity_id || controls.staleResults(result)) return;
    view.results[result.activity_id] = result;
    var known = activityById(result.activity_id);
    if (known) {
      known.n_answers = result.n_answers;
      if (result.status) known.status = result.status;
    }
    if (view.activity && view.activity.id === result.activity_id) {
      if (result.correct && !view.activity.correct) view.activity.correct = result.correct;
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
    var now = view.activity;
    // The podium gives way to whatever the facilitator does next.
    if (!initial && view.showPodium && (!now || !before || before.id !== now.id || before.status !== now.status)) {
      view.showPodium = false;
    }
    startCountdown(now);
    render();

    if (initial) return;
    if (state.phase === "ended") {
      announce(str("announce_ended"));
    } else if (now && isQuiz(now) && (!before || before.id !== now.id || before.status !== now.status)) {
      announceQuiz(now);
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
