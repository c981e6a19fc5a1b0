/* live: the participant page (phone).

   Identity is a token kept in localStorage: a reload or a reconnect brings back
   the same participant, with the votes already given. A vote carries an
   answer_id made once and kept until the server acknowledges it, so a vote sent
   again after a timeout or a lost connection is counted once. Word-cloud entries
   work the same way, one at a time, from a list of pending entries.
   Everything people typed (title, prompts, options, names) goes in with textContent. */
(function () {
  "use strict";

  var root = document.getElementById("participant");
  if (!root || typeof io !== "function") return;

  var code = root.getAttribute("data-code");
  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "en";
  var TOKEN_KEY = "live:token:" + code;
  var PENDING_KEY = "live:pending:" + code;
  var PENDING_WORDS_KEY = "live:pending-words:" + code;
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

  function loadPendingWords() {
    try {
      var raw = storage.get(PENDING_WORDS_KEY);
      var parsed = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? parsed.filter(function (p) {
        return p && p.activity_id && p.answer_id && typeof p.value === "string";
      }) : [];
    } catch (e) { return []; }
  }
  function savePendingWords(list) {
    pendingWords = list;
    if (list.length) storage.set(PENDING_WORDS_KEY, JSON.stringify(list));
    else storage.remove(PENDING_WORDS_KEY);
  }

  var socket = null;
  var name = null;               // the name typed on the first visit
  var phase = null;              // "lobby" / "activity" / "ended"
  var current = null;            // the activity on screen (public view)
  var nActivities = 0;
  var answers = {};              // activity id -> the value the server recorded
  var refused = {};              // activity id -> true when the server says "already answered"
  var pending = loadPending();   // {activity_id, value, answer_id} not yet acknowledged (storage is defined above)
  var entries = {};              // word cloud id -> the entries the server recorded, in order
  var remainingFor = {};         // word cloud id -> entries left, from the last ack
  var pendingWords = loadPendingWords();  // word-cloud entries not yet acknowledged, oldest first
  var wordSeq = 0;
  var wordSlowTimer = null;
  var wcFor = null;              // word cloud id the entry box was set up for
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
      var shown = screen.getAttribute("data-screen") === nameOfScreen;
      screen.hidden = !shown;
      // Test ids shared by two screens (prompt, error...) live on the visible one only.
      Array.prototype.forEach.call(screen.querySelectorAll("[data-tid]"), function (node) {
        if (shown) node.setAttribute("data-testid", node.getAttribute("data-tid"));
        else node.removeAttribute("data-testid");
      });
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

  /* ---- a word cloud ---------------------------------------------------------- */

  var wcForm = $("[data-wc-form]");
  var wcInput = document.getElementById("entry");
  var wcError = $("[data-wc-error]");
  var wcSend = $("[data-wc-send]");
  var wcSending = $("[data-wc-sending]");
  var wcDone = $("[data-wc-done]");
  var wcClosed = $("[data-wc-closed]");
  var wcList = $("[data-wc-list]");

  function sameEntry(a, b) {
    function norm(text) {
      var t = String(text);
      if (t.normalize) t = t.normalize("NFC");
      return t.replace(/\s+/g, " ").trim().toLowerCase();
    }
    return norm(a) === norm(b);
  }
  function hasEntry(activityId, value) {
    return (entries[activityId] || []).some(function (v) { return sameEntry(v, value); });
  }
  function pendingFor(activityId) {
    return pendingWords.filter(function (p) { return p.activity_id === activityId; });
  }
  function remainingOf(activity) {
    var total = activity.max_entries || 1;
    var left = Math.max(0, total - (entries[activity.id] || []).length);
    if (typeof remainingFor[activity.id] === "number") left = Math.min(left, Math.max(0, remainingFor[activity.id]));
    return left;
  }

  function showWordError(message) {
    wcError.textContent = message;
    wcError.hidden = false;
    wcInput.setAttribute("aria-invalid", "true");
  }
  function hideWordError() {
    wcError.hidden = true;
    wcError.textContent = "";
    wcInput.removeAttribute("aria-invalid");
  }

  function renderWordCloud() {
    var activity = current;
    if (!activity) return;
    if (wcFor !== activity.id) {
      wcFor = activity.id;
      wcInput.value = "";
      hideWordError();
    }
    var total = activity.max_entries || 1;
    var index = typeof activity.position === "number" ? activity.position + 1 : 1;
    $("[data-wc-number]").textContent = nActivities > 1 ? str("poll_n_of_m", { n: index, m: nActivities }) : "";
    $("[data-wc-prompt]").textContent = activity.prompt || "";
    var hint = $("[data-wc-hint]");
    hint.textContent = activity.single_word ? str("wc_one_word") : "";
    hint.hidden = !activity.single_word;
    if (activity.max_length) wcInput.setAttribute("maxlength", String(activity.max_length));
    else wcInput.removeAttribute("maxlength");

    var mine = entries[activity.id] || [];
    var waiting = pendingFor(activity.id);
    var sending = waiting.length > 0;
    var left = remainingOf(activity);
    var open = activity.status === "open";
    var done = left <= 0 && !sending;

    $("[data-wc-remaining]").textContent = str("wc_remaining", { remaining: left, total: total });
    $("[data-wc-entry]").hidden = !open || done;
    wcInput.readOnly = sending;
    if (sending && !wcInput.value) wcInput.value = waiting[0].value;
    wcSend.hidden = sending;
    wcSending.hidden = !sending;
    wcDone.hidden = !done;
    wcClosed.hidden = open || done;
    wcForm.classList.toggle("is-locked", sending);

    while (wcList.children.length > mine.length) wcList.removeChild(wcList.lastChild);
    mine.forEach(function (value, i) {
      var item = wcList.children[i];
      if (!item) {
        item = el("li", "wc__item");
        wcList.appendChild(item);
      }
      if (item.textContent !== value) item.textContent = value;
    });
    $("[data-wc-mine]").hidden = mine.length === 0;
  }

  wcForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current || current.type !== "wordcloud" || current.status !== "open") return;
    if (pendingFor(current.id).length) return;
    var value = wcInput.value.replace(/\s+/g, " ").trim();
    if (!value) {
      showWordError(str("wc_type_first"));
      wcInput.focus();
      return;
    }
    hideWordError();
    wcInput.value = value;
    savePendingWords(pendingWords.concat([{ activity_id: current.id, value: value, answer_id: newAnswerId() }]));
    renderWordCloud();
    sendPendingWords();
  });

  wcInput.addEventListener("input", function () {
    if (!wcError.hidden) hideWordError();
  });

  function sendPendingWords() {
    if (!pendingWords.length || !socket) return;
    if (!socket.connected) {
      $("[data-wc-sending-text]").textContent = str("wc_queued");
      return;
    }
    var sent = pendingWords[0];
    var attempt = ++wordSeq;
    $("[data-wc-sending-text]").textContent = str("wc_sending");
    clearTimeout(wordSlowTimer);
    wordSlowTimer = setTimeout(function () {
      if (pendingWords[0] === sent) $("[data-wc-sending-text]").textContent = str("wc_still_sending");
    }, 4000);
    socket.timeout(ACK_TIMEOUT).emit("answer", {
      activity_id: sent.activity_id, value: sent.value, answer_id: sent.answer_id
    }, function (err, ack) {
      if (!pendingWords.length || pendingWords[0].answer_id !== sent.answer_id) return;
      if (err) {
        // No ack in time: the same answer_id again (counted once).
        if (attempt === wordSeq && socket.connected) sendPendingWords();
        return;
      }
      clearTimeout(wordSlowTimer);
      savePendingWords(pendingWords.slice(1));
      var here = current && current.id === sent.activity_id;
      if (ack && ack.ok) {
        if (!hasEntry(sent.activity_id, sent.value)) {
          entries[sent.activity_id] = (entries[sent.activity_id] || []).concat([sent.value]);
        }
        if (typeof ack.remaining === "number") remainingFor[sent.activity_id] = ack.remaining;
        if (here && sameEntry(wcInput.value, sent.value)) wcInput.value = "";
        render();
        if (here) {
          var left = remainingOf(current);
          announce(left > 0
            ? str("announce_sent", { word: sent.value, remaining: left, total: current.max_entries || 1 })
            : str("announce_done"));
          if (!wcDone.hidden) wcDone.focus();
          else if (!wcInput.closest("[hidden]")) wcInput.focus();
        }
      } else {
        handleWordRefusal(sent, (ack && ack.error) || {});
      }
      if (pendingWords.length) sendPendingWords();
    });
  }

  function wordErrorText(error, activity) {
    var codeName = error.code;
    var max = activity && activity.max_length ? activity.max_length : "";
    if (S["wc_error_" + codeName]) return str("wc_error_" + codeName, { max: max });
    if (S["error_" + codeName]) return str("error_" + codeName);
    return str("error_generic");
  }

  function handleWordRefusal(sent, error) {
    var codeName = error.code;
    if (codeName === "session_ended") {
      phase = "ended";
      render();
      return;
    }
    var here = current && current.id === sent.activity_id;
    if (codeName === "closed" && here) current.status = "closed";
    if (codeName === "limit_reached") remainingFor[sent.activity_id] = 0;
    if (here && !wcInput.value) wcInput.value = sent.value;  // kept, to fix it
    render();
    if (!here) return;
    showWordError(wordErrorText(error, current));
    if (!wcInput.closest("[hidden]")) {
      wcInput.focus();
      try { wcInput.setSelectionRange(wcInput.value.length, wcInput.value.length); } catch (e) { /* not a text field */ }
    }
  }

  /* ---- state --------------------------------------------------------------- */

  function render() {
    if (fatal) return;
    if (phase === "ended") {
      showScreen("ended");
    } else if (phase === "activity" && current && current.type === "wordcloud") {
      showScreen("wordcloud");
      renderWordCloud();
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
      var announcement = current.type === "wordcloud" ? "announce_wordcloud" : "announce_poll";
      if (current.status === "open") announce(str(announcement, { prompt: current.prompt }));
    } else if (current && before && before.status !== current.status && current.status === "closed") {
      announce(str("announce_closed"));
    }
  }

  function onWelcome(welcome) {
    if (welcome.token) storage.set(TOKEN_KEY, welcome.token);
    var greeting = $("[data-greeting]");
    greeting.textContent = welcome.name ? str("greeting", { name: welcome.name }) : "";
    answers = {};
    entries = {};
    remainingFor = {};
    var given = welcome.answers || {};
    Object.keys(given).forEach(function (activityId) {
      var values = given[activityId];
      if (values && values.length) answers[activityId] = values[0];
      // Word clouds: every entry (polls are read from answers above).
      if (Array.isArray(values)) entries[activityId] = values.filter(function (v) { return typeof v === "string"; });
    });
    if (pending && Object.prototype.hasOwnProperty.call(answers, pending.activity_id)) savePending(null);
    // Entries the server already holds need not be sent again.
    savePendingWords(pendingWords.filter(function (p) { return !hasEntry(p.activity_id, p.value); }));
    applyState(welcome.state);
    if (pending) {
      renderPoll();
      sendPending();
    }
    if (pendingWords.length) sendPendingWords();
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
      if (pendingWords.length) {
        clearTimeout(wordSlowTimer);
        $("[data-wc-sending-text]").textContent = str("wc_queued");
        render();
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
