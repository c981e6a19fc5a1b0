/* live: the participant page (phone).

   Identity is a token kept in localStorage: a reload or a reconnect brings back
   the same participant, with the votes already given. A vote carries an
   answer_id made once and kept until the server acknowledges it, so a vote sent
   again after a timeout or a lost connection is counted once.
   Everything people typed (title, prompts, options, names) goes in with textContent. */
(function () {
  "use strict";

  var root = document.getElementById("participant");
  if (!root || typeof io !== "function") return;

  var code = root.getAttribute("data-code");
  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
  var TOKEN_KEY = "live:token:" + code;
  var PENDING_KEY = "live:pending:" + code;
  var ACK_TIMEOUT = 10000;
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  var S = readJson("live-strings", {});

  /* ---- storage that never throws (private mode, storage disabled) -------- */

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

  function loadPending() {
    try {
      var raw = storage.get(PENDING_KEY);
      var parsed = raw ? JSON.parse(raw) : null;
      return parsed && parsed.activity_id && parsed.answer_id ? parsed : null;
    } catch (e) { return null; }
  }
  function savePending(value) {
    pending = value;
    if (value) storage.set(PENDING_KEY, JSON.stringify(value));
    else storage.remove(PENDING_KEY);
  }

  var socket = null;
  var name = null;               // the name typed on the first visit
  var phase = null;              // "lobby" / "activity" / "ended"
  var current = null;            // the activity on screen (public view)
  var nActivities = 0;
  var answers = {};              // activity id -> the value the server recorded
  var refused = {};              // activity id -> true when the server says "already answered"
  var pending = loadPending();   // {activity_id, value, answer_id} not yet acknowledged (storage is defined above)
  var sendSeq = 0;
  var slowTimer = null;
  var builtFor = null;           // activity id the option list was built for
  var wasOffline = false;
  var fatal = false;

  function newAnswerId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      try { return window.crypto.randomUUID(); } catch (e) { /* insecure context: fall through */ }
    }
    var id = "a-" + Date.now().toString(36);
    for (var i = 0; i < 4; i++) id += "-" + Math.random().toString(36).slice(2, 8);
    return id.slice(0, 64);
  }

  /* ---- helpers ------------------------------------------------------------- */

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
      Object.keys(values).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    }
    return text;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  var announcer = $("[data-announcer]");
  var announceTimer = null;
  function announce(message) {
    if (!announcer || !message) return;
    announcer.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { announcer.textContent = message; }, 80);
  }

  function showScreen(nameOfScreen) {
    root.setAttribute("data-screen", nameOfScreen);
    $all("section[data-screen]").forEach(function (screen) {
      screen.hidden = screen.getAttribute("data-screen") !== nameOfScreen;
    });
  }

  /* ---- connection status ---------------------------------------------------- */

  var connNode = $("[data-conn]");
  var connTimer = null;
  function showConnection(kind) {
    clearTimeout(connTimer);
    if (kind === "offline") {
      connNode.className = "conn conn--offline";
      $("[data-conn-text]").textContent = str("offline");
      connNode.hidden = false;
      announce(str("offline"));
    } else if (kind === "online") {
      connNode.className = "conn conn--online";
      $("[data-conn-text]").textContent = str("online");
      connNode.hidden = false;
      announce(str("online"));
      connTimer = setTimeout(function () { connNode.hidden = true; }, 3000);
    } else {
      connNode.hidden = true;
    }
  }

  /* ---- the poll ------------------------------------------------------------ */

  var form = $("[data-poll-form]");
  var optionsBox = $("[data-options]");
  var errorNode = $("[data-error]");
  var voteButton = $("[data-vote]");
  var sendingNode = $("[data-sending]");
  var confirmation = $("[data-confirmation]");
  var closedNode = $("[data-closed]");

  function buildOptions(activity) {
    while (optionsBox.firstChild) optionsBox.removeChild(optionsBox.firstChild);
    var type = activity.multiple ? "checkbox" : "radio";
    (activity.options || []).forEach(function (option, index) {
      var label = el("label", "option");
      label.setAttribute("data-testid", "option-" + index);
      label.setAttribute("for", "opt-" + index);
      var input = el("input", "option__input");
      input.type = type;
      input.name = "choice";
      input.value = String(index);
      input.id = "opt-" + index;
      input.addEventListener("change", function () {
        hideError();
        markSelection();
      });
      var letter = el("span", "option__letter", LETTERS.charAt(index));
      letter.setAttribute("aria-hidden", "true");
      var text = el("span", "option__text", option);
      var mark = el("span", "option__mark");
      mark.setAttribute("aria-hidden", "true");
      label.appendChild(input);
      label.appendChild(letter);
      label.appendChild(text);
      label.appendChild(mark);
      optionsBox.appendChild(label);
    });
    builtFor = activity.id;
  }

  function inputs() { return $all(".option__input"); }

  function markSelection() {
    inputs().forEach(function (input) {
      input.parentNode.classList.toggle("is-selected", input.checked);
    });
  }

  function selected() {
    return inputs().filter(function (i) { return i.checked; }).map(function (i) { return parseInt(i.value, 10); });
  }

  function setSelection(value) {
    var chosen = Array.isArray(value) ? value : [value];
    inputs().forEach(function (input) {
      input.checked = chosen.indexOf(parseInt(input.value, 10)) !== -1;
    });
    markSelection();
  }

  function describeValue(activity, value) {
    var chosen = Array.isArray(value) ? value : [value];
    return chosen.map(function (index) {
      var option = (activity.options || [])[index];
      return LETTERS.charAt(index) + (option !== undefined ? " — " + option : "");
    }).join(", ");
  }

  function showError(message) {
    errorNode.textContent = message;
    errorNode.hidden = false;
  }
  function hideError() {
    errorNode.hidden = true;
    errorNode.textContent = "";
  }

  function renderPoll() {
    var activity = current;
    if (!activity) return;
    if (builtFor !== activity.id) {
      buildOptions(activity);
      hideError();
    }
    var index = typeof activity.position === "number" ? activity.position + 1 : 1;
    $("[data-poll-number]").textContent = nActivities > 1 ? str("poll_n_of_m", { n: index, m: nActivities }) : "";
    $("[data-prompt]").textContent = activity.prompt || "";
    $("[data-poll-hint]").textContent = activity.multiple ? str("choose_many") : str("choose_one");

    var has = Object.prototype.hasOwnProperty;
    var voted = has.call(answers, activity.id);
    var sending = !!(pending && pending.activity_id === activity.id);
    var open = activity.status === "open";
    var locked = voted || sending || refused[activity.id] || !open;

    if (voted) setSelection(answers[activity.id]);
    else if (sending) setSelection(pending.value);
    inputs().forEach(function (input) { input.disabled = !!locked; });
    form.classList.toggle("is-locked", !!locked);

    voteButton.hidden = !!locked;
    sendingNode.hidden = !sending || voted;
    confirmation.hidden = !voted;
    if (voted) $("[data-my-vote]").textContent = str("your_vote", { answer: describeValue(activity, answers[activity.id]) });
    closedNode.hidden = open || voted || sending;
    if (locked) $("[data-poll-hint]").textContent = "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current || current.status !== "open" || pending) return;
    var chosen = selected();
    if (!chosen.length) {
      showError(str("choose_first"));
      return;
    }
    hideError();
    var value = current.multiple ? chosen.sort(function (a, b) { return a - b; }) : chosen[0];
    savePending({ activity_id: current.id, value: value, answer_id: newAnswerId() });
    renderPoll();
    sendPending();
  });

  function sendPending() {
    if (!pending || !socket) return;
    if (!socket.connected) {
      // Sent again from "welcome" once the connection is back.
      $("[data-sending-text]").textContent = str("queued");
      return;
    }
    var sent = pending;
    var attempt = ++sendSeq;
    $("[data-sending-text]").textContent = str("sending");
    clearTimeout(slowTimer);
    slowTimer = setTimeout(function () {
      if (pending === sent) $("[data-sending-text]").textContent = str("still_sending");
    }, 4000);
    socket.timeout(ACK_TIMEOUT).emit("answer", {
      activity_id: sent.activity_id, value: sent.value, answer_id: sent.answer_id
    }, function (err, ack) {
      if (!pending || pending.answer_id !== sent.answer_id) return;
      if (err) {
        // No ack in time: send the same answer_id again (counted once).
        if (attempt === sendSeq && socket.connected) sendPending();
        return;
      }
      clearTimeout(slowTimer);
      if (ack && ack.ok) {
        answers[sent.activity_id] = sent.value;
        savePending(null);
        renderPoll();
        announce(str("announce_recorded"));
        if (current && current.id === sent.activity_id) confirmation.focus();
        return;
      }
      savePending(null);
      handleRefusal(sent, (ack && ack.error) || {});
    });
  }

  function handleRefusal(sent, error) {
    var codeName = error.code;
    if (codeName === "session_ended") {
      phase = "ended";
      render();
      return;
    }
    if (codeName === "already_answered") refused[sent.activity_id] = true;
    if (codeName === "closed" && current && current.id === sent.activity_id) current.status = "closed";
    renderPoll();
    showError(S["error_" + codeName] ? str("error_" + codeName) : str("error_generic"));
    if (!voteButton.hidden) voteButton.focus();
  }

  /* ---- state --------------------------------------------------------------- */

  function render() {
    if (fatal) return;
    if (phase === "ended") {
      showScreen("ended");
    } else if (phase === "activity" && current) {
      showScreen("poll");
      renderPoll();
    } else if (phase === "lobby" || phase === "activity") {
      showScreen("lobby");
    }
  }

  function applyState(state) {
    if (!state) return;
    var before = current;
    var beforePhase = phase;
    phase = state.phase;
    nActivities = state.n_activities || nActivities;
    if (state.title) $all("[data-title]").forEach(function (n) { n.textContent = state.title; });
    current = state.phase === "activity" ? state.activity : null;
    render();

    if (phase === "ended" && beforePhase && beforePhase !== "ended") {
      announce(str("announce_ended"));
    } else if (current && (!before || before.id !== current.id)) {
      if (current.status === "open") announce(str("announce_poll", { prompt: current.prompt }));
    } else if (current && before && before.status !== current.status && current.status === "closed") {
      announce(str("announce_closed"));
    }
  }

  function onWelcome(welcome) {
    if (welcome.token) storage.set(TOKEN_KEY, welcome.token);
    var greeting = $("[data-greeting]");
    greeting.textContent = welcome.name ? str("greeting", { name: welcome.name }) : "";
    answers = {};
    var given = welcome.answers || {};
    Object.keys(given).forEach(function (activityId) {
      var values = given[activityId];
      if (values && values.length) answers[activityId] = values[0];
    });
    if (pending && Object.prototype.hasOwnProperty.call(answers, pending.activity_id)) savePending(null);
    applyState(welcome.state);
    if (pending) {
      renderPoll();
      sendPending();
    }
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
      auth: function (cb) {
        cb({ code: code, token: storage.get(TOKEN_KEY) || null, name: name, lang: lang });
      },
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5
    });

    socket.on("connect", function () {
      if (wasOffline) showConnection("online");
      wasOffline = false;
    });

    socket.on("disconnect", function (reason) {
      if (reason === "io client disconnect") return;
      wasOffline = true;
      showConnection("offline");
      if (reason === "io server disconnect") socket.connect();
      if (pending) {
        $("[data-sending-text]").textContent = str("queued");
        renderPoll();
      }
    });

    socket.on("connect_error", function (err) {
      var data = err && err.data;
      if (data && data.code) {
        if (data.code === "too_long" || data.code === "invalid_type" || data.code === "blank") {
          // The name was refused: back to the form.
          name = null;
          showScreen("join");
          var input = document.getElementById("name");
          var hint = document.getElementById("name-hint");
          hint.textContent = S["error_" + data.code] ? str("error_" + data.code) : str("error_generic");
          hint.className = "hint hint--error";
          input.setAttribute("aria-invalid", "true");
          input.focus();
          return;
        }
        fatal = true;
        $("[data-fatal-text]").textContent = S["error_" + data.code] ? str("error_" + data.code) : (data.message || str("error_generic"));
        connNode.hidden = true;
        showScreen("error");
        return;
      }
      if (!wasOffline) {
        wasOffline = true;
        showConnection("offline");
      }
    });

    socket.on("welcome", onWelcome);
    socket.on("state", applyState);
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

  if (storage.get(TOKEN_KEY)) {
    connect();
  } else {
    showScreen("join");
  }
})();
