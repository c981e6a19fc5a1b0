/* live: the participant page (phone).

   Identity is a token kept in localStorage: a reload or a reconnect brings back
   the same participant, with the answers already given. Every answer goes out
   through one outbox: it carries an answer_id made once and kept (in
   localStorage too) until the server acknowledges it, so an answer sent again
   after a timeout or a lost connection is counted once. Each kind's screen is
   drawn by its module (static/js/kinds/<name>.js, registered in kinds.js); this
   file keeps what every kind shares: connection, lobby and waiting, the outbox,
   the countdown of timed kinds, results once the facilitator shows them, the
   activity open beside the one on screen (beside.js), and the end with the
   group's summary link. Everything people typed goes in with textContent. */
(function () {
  "use strict";

  var root = document.getElementById("participant");
  if (!root || typeof io !== "function") return;

  var code = root.getAttribute("data-code");
  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
  var TOKEN_KEY = "live:token:" + code;
  var ACK_TIMEOUT = 10000;
  var C = window.LiveCommon, K = window.LiveKinds;
  var S = C.readJson("live-strings", {});
  var T = C.texts(S, lang);
  var str = T.str, storage = C.storage;

  var socket = null;
  var name = null;               // the name typed on the first visit
  var phase = null;              // "lobby" / "activity" / "ended"
  var current = null;            // the activity on screen (public view)
  var nActivities = 0;
  var given = {};                // activity id -> the values the server recorded, in order
  var shown = {};                // activity id -> its "results", once the facilitator shows them
  var summaryUrl = null;         // the group's summary, when the facilitator shares it
  var wasOffline = false;
  var fatal = false;
  var removed = false;           // the host removed this participant
  var announced = {};            // activity id -> {zero}

  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  var announce = C.announcer($("[data-announcer]"), 80);
  var clock = C.clock(tickClock, 200);  // the countdown of timed kinds

  function showScreen(nameOfScreen) {
    C.showScreen(root, nameOfScreen);
    if (reactionBar) reactionBar.screen(nameOfScreen);
  }

  C.keepClearOf($("[data-dock]"));  // the bars at the bottom never cover what has the focus
  /* The bar of reactions (reactions.js): with the lobby and every activity. */
  var reactionBar = window.LiveReactions ? window.LiveReactions.phone($("[data-reaction-bar]"), {
    lang: lang, socket: function () { return socket; }
  }) : null;

  /* ---- the kinds' parts (static/js/kinds/<name>.js): what each may use ---------- */

  var parts = K.parts("phone", function (kindName) {
    return {
      name: kindName, C: C, T: C.texts(K.strings(kindName, S), lang), root: root, $: $, $all: $all,
      announce: announce, clock: clock, render: function () { render(); },
      current: function () { return current; }, side: function () { return beside.side(); }, phase: function () { return phase; },
      given: function (id) { return given[id] || []; }, queued: function (id) { return outbox.queued(id); }, send: send, post: post,
      results: function (id) { return shown[id] || null; }, number: number,
      command: function (event, payload, done) { window.LiveOutbox.once(socket, event, payload, ACK_TIMEOUT, done); }
    };
  });
  function partOf(activity) { return K.partOf(parts, activity); }
  function eachPart(fn) { Object.keys(parts).forEach(function (n) { fn(parts[n]); }); }
  function textsOf(activity) { return partOf(activity).kit.T; }
  var beside = window.LiveBeside.phone({ root: root, $: $, str: str, partOf: partOf, announce: announce, render: function () { render(); } });

  /* "Question 2 of 5", or nothing when the session has one activity. */
  function number(activity) {
    var index = typeof activity.position === "number" ? activity.position + 1 : 1;
    return nActivities > 1 ? str("n_of_m", { n: index, m: nActivities }) : "";
  }

  /* ---- connection status ---------------------------------------------------- */

  var connNode = $("[data-conn]");
  var connTimer = null;
  function showConnection(online) {
    clearTimeout(connTimer);
    connNode.className = "conn conn--" + (online ? "online" : "offline");
    $("[data-conn-text]").textContent = str(online ? "online" : "offline");
    connNode.hidden = false;
    announce(str(online ? "online" : "offline"));
    if (online) connTimer = setTimeout(function () { connNode.hidden = true; }, 3000);
  }

  /* ---- the outbox (outbox.js): one send-and-retry path for every kind's answers ---- */

  var outbox = window.LiveOutbox.create({
    key: "live:pending:" + code, oldKeys: ["live:pending-words:" + code], timeout: ACK_TIMEOUT,
    socket: function () { return socket; }, sending: sendingText, acked: acked
  });

  /* A kind's answer, kept until acknowledged and sent now or once the connection is
     back; `event` names a participant event taking the same payload (a date poll's
     "change"). `post` sends an event whose payload is its own object ("ask"). */
  function send(activity, value, event) {
    outbox.add(activity, value, event);
    render();
  }
  function post(activity, event, payload) {
    outbox.add(activity, payload, event, true);
    render();
  }

  /* "Sending your vote…" in the kind's words, on its screens. */
  function sendingText(item, key) {
    $all("[data-kind-part='" + item.type + "'] [data-sending-text]").forEach(function (node) {
      node.textContent = textsOf(item).str(key);
    });
  }

  /* The server answered: the kind hears it (and what the session says: ended, removed). */
  function acked(sent, ack) {
    var part = partOf(sent), here = beside.isShown(sent.activity_id);
    var error = ack.error || {};
    if (ack.ok) {
      var values = given[sent.activity_id] || (given[sent.activity_id] = []);
      if (!sent.event && !part.given(sent, values)) values.push(sent.value);  // an event's payload is no answer
      render();
      part.answered(sent, ack, here);
    } else if (error.code === "session_ended") {
      phase = "ended";
      render();
    } else if (error.code === "removed") {
      showRemoved();
    } else {
      part.refused(sent, error, here);
    }
  }

  /* ---- the countdown of timed kinds ----------------------------------------------- */

  function startClock(activity) {
    var timed = !!activity && !!K.capability(activity.type, "timed");
    clock.start(timed ? activity : null);
    // Time added: the end is announced again.
    if (timed && activity.status === "open" && (activity.remaining_ms || 0) > 0) saidOf(activity.id).zero = false;
  }
  function saidOf(id) { return announced[id] || (announced[id] = {}); }

  /* The countdown on the screen shown, if it has one; {seconds, before} when it changed. */
  function drawClock() {
    var box = current && clock.activityId === current.id ? $("section[data-screen]:not([hidden]) [data-countdown]") : null;
    return box ? C.drawCountdown(box, clock, current, textsOf(current)) : null;
  }

  function tickClock() {
    var drawn = drawClock();
    if (!drawn) return;
    var waiting = !(given[current.id] || []).length && !outbox.queued(current.id).length;
    if (waiting && drawn.before > 10 && drawn.seconds <= 10 && drawn.seconds > 0) announce(str("announce_ten"));
    if (drawn.seconds <= 0) {
      clock.stop();
      if (waiting && !saidOf(current.id).zero) {
        saidOf(current.id).zero = true;
        announce(str("announce_time_up"));
      }
      render();  // the answer locks; the server closes the question a moment later
    }
  }

  /* ---- removed by the host ----------------------------------------------------- */

  function showRemoved() {
    if (removed) return;
    removed = fatal = true;
    // This phone's token no longer opens the session: forget it, and stop retrying.
    storage.remove(TOKEN_KEY);
    outbox.clear();
    clock.stop();
    eachPart(function (part) { part.forget(); });
    if (socket) {
      try { socket.io.reconnection(false); } catch (e) { /* old client */ }
      // The server closes this connection itself; close it here only if it does not.
      setTimeout(function () { if (socket.connected) socket.disconnect(); }, 3000);
    }
    connNode.hidden = true;
    showScreen("removed");
    announce(str("announce_removed"));
  }

  /* ---- state --------------------------------------------------------------- */

  function render() {
    if (removed) return showScreen("removed");
    if (fatal) return;
    var over = null, shownActivity = null;
    eachPart(function (part) { over = over || part.overlay(); });
    if (phase === "ended") {
      showScreen("ended");
      renderEnded();
    } else if (over) {
      showScreen(over);  // a kind's own screen over the activity (the podium)
    } else if (phase === "activity" && current) {
      shownActivity = beside.shown(current);  // or the activity open beside it
      var part = partOf(shownActivity);
      showScreen(part.screen(shownActivity));
      part.render(shownActivity);
      drawClock();
    } else if (phase === "lobby" || phase === "activity") {
      showScreen("lobby");
    }
    beside.renderBar(shownActivity);
  }

  /* The end: what the kinds add (a final rank), and the group's summary when shared. */
  function renderEnded() {
    var notes = [];
    eachPart(function (part) { var note = part.ended(); if (note) notes.push(note); });
    var line = $("[data-ended-note]");
    line.hidden = !notes.length;
    line.textContent = notes.join(" ");
    var link = $("[data-summary-link]");
    link.hidden = !summaryUrl;
    if (summaryUrl) link.setAttribute("href", summaryUrl);
  }

  function applyState(state) {
    if (!state) return;
    var before = current, beforePhase = phase;
    phase = state.phase;
    nActivities = state.n_activities || nActivities;
    if (state.title) $all("[data-title]").forEach(function (n) { n.textContent = state.title; });
    current = state.phase === "activity" ? state.activity : null;
    if (reactionBar) reactionBar.set(state.reactions);
    var saidHere = beside.update(state, current, before);
    // Only a link of this server (relative), never one elsewhere.
    var url = state.summary_url;
    summaryUrl = typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
    startClock(current);
    render();

    var changed = current && (!before || before.id !== current.id || before.status !== current.status);
    if (saidHere) return;
    if (phase === "ended" && beforePhase && beforePhase !== "ended") {
      announce(str("announce_ended"));
    } else if (!changed || partOf(current).announce(current, before)) {
      return;
    } else if (!before || before.id !== current.id) {
      if (current.status === "open") announce(textsOf(current).str("announce_new", { prompt: current.prompt }));
    } else if (current.status === "closed") {
      announce(str("announce_closed"));
    }
  }

  /* Results the facilitator shows (once an activity closes, or at a reveal). */
  function onResults(result) {
    if (!result || !result.activity_id) return;
    shown[result.activity_id] = result;
    render();
    var texts = textsOf(result);
    if (current && current.id === result.activity_id && texts.S.announce_results) announce(texts.str("announce_results"));
  }

  /* ---- waiting for the host, or not let in (joins.js) ------------------------ */

  var door = window.LiveJoins.phone({
    $: $, T: T, S: S, announce: announce, showScreen: showScreen, timeout: ACK_TIMEOUT,
    socket: function () { return socket; }, stopped: function () { return fatal || removed; },
    hideConnection: function () { connNode.hidden = true; }, refuse: function () { fatal = true; },
    retry: function () {
      fatal = false;
      showScreen("connecting");
      try { if (socket) socket.io.reconnection(true); } catch (e) { /* old client */ }
      connect();
    }
  });

  function onWelcome(welcome) {
    door.welcomed();
    if (welcome.token) storage.set(TOKEN_KEY, welcome.token);
    $("[data-greeting]").textContent = welcome.name ? str("greeting", { name: welcome.name }) : "";
    // The name the server gave (made unique: "Zoé 2"), on every screen.
    $("[data-whoami-name]").textContent = welcome.name || "";
    $("[data-whoami]").hidden = !welcome.name;
    given = {};
    Object.keys(welcome.answers || {}).forEach(function (id) {
      if (Array.isArray(welcome.answers[id])) given[id] = welcome.answers[id].slice();
    });
    // Answers the server already holds need not be sent again.
    outbox.keep(function (item) { return !partOf(item).given(item, given[item.activity_id] || []); });
    if (welcome.results) shown[welcome.results.activity_id] = welcome.results;
    applyState(welcome.state);
    // What this phone missed while away (a quiz result, a final rank): each kind takes its own.
    eachPart(function (part) { part.welcome(welcome); });
    outbox.flush();
  }

  /* ---- connecting ---------------------------------------------------------- */

  function connect() {
    if (socket) {
      if (!socket.connected) socket.connect();
      return;
    }
    if (!phase) showScreen("connecting");
    socket = io({
      // A function, so every reconnect sends the latest token.
      auth: function (cb) { cb({ code: code, token: storage.get(TOKEN_KEY) || null, name: name, lang: lang }); },
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5
    });

    socket.on("connect", function () {
      if (wasOffline) showConnection(true);
      wasOffline = false;
    });

    socket.on("disconnect", function (reason) {
      if (reason === "io client disconnect" || removed) return;
      wasOffline = true;
      showConnection(false);
      if (reason === "io server disconnect") socket.connect();
      if (outbox.offline()) render();
    });

    socket.on("connect_error", function (err) {
      var data = err && err.data;
      if (data && data.code === "rate_limited") {
        // A refusal in the connect handler is not retried by socket.io: try again
        // later ourselves (with jitter, so a crowd does not come back at once).
        if (!wasOffline) { wasOffline = true; showConnection(false); }
        setTimeout(function () { if (!socket.connected && !fatal) socket.connect(); }, 3000 + Math.random() * 4000);
        return;
      }
      if (data && data.code) {
        if (data.code === "removed") return showRemoved();
        if (["too_long", "invalid_type", "blank", "name_not_allowed"].indexOf(data.code) >= 0) {
          // The name was refused: back to the form.
          name = null;
          showScreen("join");
          var hint = document.getElementById("name-hint");
          hint.textContent = S["error_" + data.code] ? str("error_" + data.code) : str("error_generic");
          hint.className = "hint hint--error";
          document.getElementById("name").setAttribute("aria-invalid", "true");
          return document.getElementById("name").focus();
        }
        return door.refuse(data.code, data.message);
      }
      if (!wasOffline) { wasOffline = true; showConnection(false); }
    });

    socket.on("welcome", onWelcome);
    socket.on("state", applyState);
    socket.on("results", onResults);
    socket.on("removed", showRemoved);
    socket.on("waiting", door.wait);
    socket.on("admitted", door.enter);
    socket.on("turned_away", door.turnedAway);
    // The kinds' own events (a quiz's "quiz_result", "podium", "final_rank").
    K.events(parts).forEach(function (pair) { socket.on(pair[0], pair[1]); });
  }

  $("[data-join-form]").addEventListener("submit", function (event) {
    event.preventDefault();
    var typed = document.getElementById("name").value.replace(/\s+/g, " ").trim();
    name = typed ? typed.slice(0, 40) : null;
    connect();
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && socket && !socket.connected && !fatal) socket.connect();
  });
  window.addEventListener("online", function () {
    if (socket && !socket.connected && !fatal) socket.connect();
  });

  if (storage.get(TOKEN_KEY)) connect();
  else showScreen("join");
})();
