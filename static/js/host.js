/* live: the host screen (projector).

   Connects with the session's host token, shows the lobby (QR code), then each
   activity: the head every kind shares (prompt, status, number of answers, the
   countdown of timed kinds) and the kind's own stage, drawn by its module
   (static/js/kinds/<name>.js, registered in kinds.js). Drives the session with
   buttons and keys (controls.js, shared with the moderation console; kinds add
   their own actions and keys); an activity open beside the one on screen shows
   over it with B (beside.js); small helpers are in common.js. Everything
   people typed (title, prompts, options, words) goes in with textContent. */
(function () {
  "use strict";

  var root = document.getElementById("host");
  if (!root || typeof io !== "function") return;

  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
  var moderateUrl = root.getAttribute("data-moderate-url");

  var C = window.LiveCommon, K = window.LiveKinds;
  var S = K.pageStrings(C.readJson("live-strings", {}));
  var T = C.texts(S, lang);
  var ANNOUNCE_PRESENCE_EVERY = 15000;
  var ANNOUNCE_TALLY_EVERY = 10000;  // new results, at most this often

  var view = window.LiveControls.newView({
    announced: {},        // activity id -> what was already announced about it
    waitingDismissed: 0   // "Not now" while this many were waiting: shown again when more come
  });
  var stageFor = null;    // id of the activity the stage was built for

  var str = T.str, plural = T.plural, formatNumber = T.formatNumber;
  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function indexOfActivity(id) { return C.indexOfActivity(view.activities, id); }
  /* What was already announced about an activity ({zero, leader...}). */
  function said(id) { return view.announced[id] || (view.announced[id] = {}); }

  var announce = C.announcer($("[data-announcer]"), 60);
  var beside = window.LiveBeside.host({ root: root, $: $, view: view, str: str, announce: announce, render: function () { render(); } });
  var shown = beside.shown;  // the activity on screen, or the one beside it (B)

  /* ---- the kinds' parts (static/js/kinds/<name>.js): what each may use ---------- */

  var parts = K.parts("host", function (name) {
    return {
      name: name, C: C, T: C.texts(K.strings(name, S), lang), root: root, $: $, $all: $all, view: view,
      results: function (id) { return view.results[id]; },
      indexOf: indexOfActivity, announce: announce, said: said, render: function () { render(); }, fit: function () { fit(); },
      command: function (event, payload, done) { controls.command(event, payload, 10000, done); }
    };
  });
  function partOf(activity) { return K.partOf(parts, activity); }
  function eachPart(fn) { Object.keys(parts).forEach(function (name) { fn(parts[name]); }); }
  function textsOf(activity) { return partOf(activity).kit.T; }

  /* ---- announcements (polite, not chatty) ---------------------------------- */

  var sayTally = C.throttled(announce.later, ANNOUNCE_TALLY_EVERY);  // "12 answers", now and then
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

  function renderPresence() {
    window.LiveControls.showPresence($("[data-presence-text]"), T, view.presence, "span");
    $("[data-lobby-count]").textContent = formatNumber(view.presence.n_connected);
    $("[data-lobby-count]").hidden = !view.presence.n_connected;  // 0: "Nobody has joined yet", no number
    $("[data-lobby-count-label]").textContent = plural("lobby_count", view.presence.n_connected);
  }

  /* ---- joins: the lock (J) and the phones waiting beyond the expected size (A) ---- */

  var renderJoins = window.LiveJoins.host({ root: root, $: $, $all: $all, view: view, T: T, announce: announce }).render;

  /* The number of answers, then the kind's stage with the latest results. */
  function renderResults() {
    var activity = shown();
    if (!activity) return;
    var result = view.results[activity.id];
    var known = C.activityById(view.activities, activity.id);
    var nAnswers = result ? result.n_answers : (known && known.n_answers) || 0;
    $("[data-testid='n-answers']").textContent = formatNumber(nAnswers);
    $("[data-answers-label]").textContent = textsOf(activity).plural("answers", nAnswers);
    partOf(activity).render(activity, result, nAnswers);
  }

  function renderActivity() {
    var activity = shown();
    if (!activity) return;
    beside.renderOver();
    var part = partOf(activity);
    var kinds = textsOf(activity);
    var section = $("[data-screen='activity']");
    if (stageFor !== activity.id) {
      // Nothing of another activity stays in the page (its test ids would be found twice).
      eachPart(function (other) { if (other !== part) other.clear(); });
      section.removeAttribute("data-stage");
      part.build(activity);
      stageFor = activity.id;
    }
    section.setAttribute("data-kind", activity.type);
    $all("[data-kind-part]").forEach(function (node) { node.hidden = node.getAttribute("data-kind-part") !== activity.type; });
    $("[data-countdown]").hidden = !part.countdown(activity);
    var index = indexOfActivity(activity.id);
    // "Poll 2 of 3" when every activity is of a kind that numbers itself so, else "Activity 2 of 3".
    var numbered = kinds.S.n_of_m && view.activities.every(function (a) { return !a.type || a.type === activity.type; });
    $("[data-activity-number]").textContent = (numbered ? kinds : T).str(numbered ? "n_of_m" : "activity_n_of_m", {
      n: index >= 0 ? index + 1 : activity.position + 1, m: view.activities.length || view.nActivities || 1
    });
    var prompt = $("[data-prompt]");
    prompt.textContent = activity.prompt || "";
    var length = (activity.prompt || "").length;
    prompt.classList.toggle("is-long", length > 90 && length <= 180);
    prompt.classList.toggle("is-very-long", length > 180);
    var status = $("[data-status]");
    var key = ["open", "closed", "revealed"].indexOf(activity.status) >= 0 ? activity.status : "pending";
    status.className = "status status--" + key;
    status.setAttribute("data-state", key);
    status.textContent = kinds.str("status_" + key);
    $("[data-activity-kind]").textContent = part.describe(activity);
    renderResults();
    fit();
  }

  /* ---- the countdown of timed kinds (from the server's remaining_ms) ---------- */

  var clock = C.clock(tickCountdown, 200);

  function tickCountdown() {
    var activity = view.activity;
    if (!activity || activity.id !== clock.activityId) return;
    var drawn = C.drawCountdown($("[data-countdown]"), clock, activity, T);
    if (drawn && drawn.running) {
      if (drawn.before > 10 && drawn.seconds <= 10 && drawn.seconds > 0) announce.later(str("announce_ten"));
      if (drawn.seconds === 0 && !said(activity.id).zero) {
        said(activity.id).zero = true;
        announce.later(str("announce_time_up"));
      }
    }
    // The server closes it itself (after a short grace): wait for its state.
    if (activity.status === "open" && clock.remaining(activity) <= 0) clock.stop();
  }

  function startCountdown(activity) {
    var timed = !!activity && !!K.capability(activity.type, "timed");
    clock.start(timed ? activity : null);
    if (!timed) return;
    // Time added: the end will be announced again when it comes.
    if (activity.status === "open" && (activity.remaining_ms || 0) > 0) said(activity.id).zero = false;
    tickCountdown();
  }

  /* Shrink the prompt, then the kind's stage, until everything fits the screen:
     a poll with twelve long options must not run under the controls. */
  function fit() {
    var section = $("[data-screen='activity']");
    if (!section || section.hidden || !shown()) return;
    var prompt = $("[data-prompt]");
    var maxPrompt = window.innerHeight * 0.26;
    var scale = 1;
    prompt.style.setProperty("--fit", "1");
    while (prompt.offsetHeight > maxPrompt && scale > 0.5) {
      scale -= 0.05;
      prompt.style.setProperty("--fit", scale.toFixed(2));
    }
    partOf(shown()).fit();
  }

  // Fit again whenever the stage's room changes: a window resize, and the bar below
  // growing (an activity open beside, a message) or a banner above, on any projector.
  var fitFrame = null;
  function fitSoon() { if (!fitFrame) fitFrame = window.requestAnimationFrame(function () { fitFrame = null; fit(); }); }
  window.addEventListener("resize", fitSoon);
  if (window.ResizeObserver) new window.ResizeObserver(fitSoon).observe($("[data-screen='activity']"));

  function render() {
    var held = null;
    eachPart(function (part) { held = held || part.screen(); });
    if (view.phase === "ended" || view.ended) {
      showScreen("ended");
    } else if (held) {
      showScreen(held);  // a kind's own screen over the activity (the podium)
    } else if (view.phase === "activity" && view.activity) {
      showScreen("activity");
      renderActivity();
    } else {
      showScreen("lobby");
    }
    renderJoins();
    renderControls();
  }

  /* ---- controls (controls.js; the kinds add theirs) -------------------------- */

  var KEYS = {
    o: "open", c: "close",
    n: "next", arrowright: "next", pagedown: "next",
    p: "previous", arrowleft: "previous", pageup: "previous",
    e: "end", q: "qr", f: "fullscreen", "?": "help", m: "moderate",
    j: "joins", a: "admit", s: "shortlist", b: "side"
  };
  Object.assign(KEYS, K.merged(parts, "keys", KEYS));  // a kind's keys never take a shared one

  // The chain (chain.js): a poll of the best entries of any kind that takes "shortlist".
  var chain = window.LiveChain.create({ root: root, view: view, texts: T, announce: announce, say: showMessage });
  var controls = window.LiveControls.create({
    root: root,
    view: view,
    texts: T,
    textsOf: textsOf,
    actions: Object.assign(K.merged(parts, "actions", chain.actions), chain.actions),
    announce: announce,
    renderPage: render,
    socket: function () { return socket; },
    failed: function (text) { showMessage(text); },
    succeeded: function () { showMessage(""); },
    said: announce,
    local: {
      qr: function () { toggleDialog(qrDialog); },
      fullscreen: C.toggleFullscreen,
      help: function () { toggleDialog(helpDialog); },
      moderate: openModeration,
      side: beside.toggle
    },
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
    rendered: function () { chain.render(); eachPart(function (part) { part.rendered(); }); }
  });
  var renderControls = controls.render;

  /* ---- dialogs, QR, fullscreen -------------------------------------------- */

  var helpDialog = $("[data-help-dialog]");
  var qrDialog = $("[data-qr-dialog]");

  function toggleDialog(dialog) { if (dialog.open) C.closeDialog(dialog); else C.openDialog(dialog); }
  function anyDialogOpen() {
    return [controls.endDialog, helpDialog, qrDialog, chain.dialog].some(function (d) { return d && d.open; });
  }

  function openModeration() {
    if (!moderateUrl) return;
    try { window.open(moderateUrl, "_blank", "noopener"); } catch (e) { /* blocked: the link is in the help */ }
  }

  C.wireDialogs(root, [qrDialog, helpDialog]);

  /* ---- keyboard ------------------------------------------------------------ */

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (C.isTyping(event.target)) return;
    var key = (event.key || "").toLowerCase();
    var action = KEYS[key];
    if (!action) return;
    if (anyDialogOpen()) {
      // Inside a window only its own toggle key works; Esc closes it natively.
      if (action === "qr" && qrDialog.open) { event.preventDefault(); C.closeDialog(qrDialog); }
      else if (action === "help" && helpDialog.open) { event.preventDefault(); C.closeDialog(helpDialog); }
      return;
    }
    // Arrows keep their meaning on focused controls that use them.
    if ((key === "arrowleft" || key === "arrowright") && event.target && event.target.tagName === "A") return;
    event.preventDefault();
    controls.run(action);
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

  /* Reactions floating up the screen (reactions.js), with their own events. */
  var reactions = window.LiveReactions ? window.LiveReactions.host(root, {
    lang: lang, code: root.getAttribute("data-code"), announce: announce, formatNumber: formatNumber
  }) : null;

  var socket = window.LiveControls.connect({
    root: root, auth: { code: root.getAttribute("data-code"), host_token: root.getAttribute("data-host-token"), lang: lang },
    view: view, texts: T, announce: announce, setOffline: setOffline, showFatal: showFatal, render: renderControls,
    presence: function (changed) {
      renderPresence();
      if (changed) schedulePresenceAnnouncement();
    },
    joins: renderJoins,
    state: applyState,
    on: K.events(parts).concat(reactions ? reactions.events : []),  // the kinds' own (a quiz's "podium"), reactions
    results: function (result) {
      var now = shown();
      if (!now || now.id !== result.activity_id) return;
      if (result.status && result.status !== now.status) {
        now.status = result.status;
        renderActivity();
        renderControls();
      } else {
        renderResults();
        if (now.status === "open") sayTally(partOf(now).tally(now, result));
      }
    }
  });

  function applyState(before, initial) {
    var now = view.activity;
    if (!now || !before || before.id !== now.id) sayTally.forget();
    beside.stateChanged(before);
    eachPart(function (part) { part.stateChanged(before, now, initial); });
    startCountdown(now);
    render();
    if (initial) return;
    var changed = now && (!before || before.id !== now.id || before.status !== now.status);
    if (view.phase === "ended") {
      announce(str("announce_ended"));
    } else if (changed && !partOf(now).announce(now, before)) {
      if (now.status === "open") announce(textsOf(now).str("announce_open", { prompt: now.prompt }));
      else if (now.status === "closed") announce(str("announce_closed"));
    }
  }

  renderPresence();
  render();
})();
