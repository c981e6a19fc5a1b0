/* live: the host screen (projector).

   Connects with the session's host token, shows the lobby (QR code), then each
   poll with a live bar chart, and drives the session with buttons and keys.
   Everything people typed (title, prompts, options) goes in with textContent. */
(function () {
  "use strict";

  var root = document.getElementById("host");
  if (!root || typeof io !== "function") return;

  var code = root.getAttribute("data-code");
  var hostToken = root.getAttribute("data-host-token");
  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
  var archiveUrl = root.getAttribute("data-archive-url");

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

  function renderResults() {
    var activity = view.activity;
    if (!activity) return;
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
    if (chartFor !== activity.id) buildChart(activity);
    var index = indexOfActivity(activity.id);
    var total = activities.length || view.nActivities || 1;
    $("[data-activity-number]").textContent = str("poll_n_of_m", {
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
    status.textContent = key === "open" ? str("voting_open") : key === "closed" ? str("voting_closed") : str("not_opened");
    $("[data-activity-kind]").textContent = activity.multiple ? str("multiple_choice") : str("single_choice");
    renderResults();
    fit();
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
    e: "end", q: "qr", f: "fullscreen", "?": "help"
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
      if (now.status === "open") announce(str("announce_open", { prompt: now.prompt }));
      else if (now.status === "closed") announce(str("announce_closed"));
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !socket.connected && !view.fatal) socket.connect();
  });

  renderPresence();
  render();
})();
