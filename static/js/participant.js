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
  var C = window.LiveCommon;
  var LETTERS = C.LETTERS;

  var S = C.readJson("live-strings", {});
  var T = C.texts(S, lang);

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
  var removed = false;           // the host removed this participant
  var waitingForHost = false;    // beyond the expected size: waiting to be let in
  var quizResults = {};          // quiz question id -> its "quiz_result"
  var quizPicks = {};            // quiz question id -> options ticked before Submit (several correct)
  var lateFor = {};              // quiz question id -> true once the server said time was up
  var quizFor = null;            // quiz question id the tiles were built for
  var finalData = null;          // "podium" / "final_rank": {podium, n_players, rank?, score?}
  var finalKey = null;           // the state the podium arrived in: shown until the state changes
  var announced = {};            // quiz question id -> {ten, zero, result}

  function newAnswerId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      try { return window.crypto.randomUUID(); } catch (e) { /* insecure context: fall through */ }
    }
    var id = "a-" + Date.now().toString(36);
    for (var i = 0; i < 4; i++) id += "-" + Math.random().toString(36).slice(2, 8);
    return id.slice(0, 64);
  }

  /* ---- helpers (most in common.js) ----------------------------------------- */

  var str = T.str, plural = T.plural, formatNumber = T.formatNumber, playerName = T.playerName;
  var el = C.el, isQuiz = C.isQuiz, optionBadge = C.optionBadge;
  function $(selector) { return root.querySelector(selector); }
  function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  var announce = C.announcer($("[data-announcer]"), 80);

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

  /* A test id for a node that lives in one screen (option-0, vote...): set only
     while its screen is on, so two screens never hold the same one. */
  function setTid(node, id) {
    node.setAttribute("data-tid", id);
    var screen = node.closest ? node.closest("section[data-screen]") : null;
    if (!screen || !screen.hidden) node.setAttribute("data-testid", id);
    else node.removeAttribute("data-testid");
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
      setTid(label, "option-" + index);
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

  function sendingText(key) {
    $("[data-sending-text]").textContent = str(key);
    $("[data-quiz-sending-text]").textContent = str("quiz_" + key);
  }

  function sendPending() {
    if (!pending || !socket) return;
    if (!socket.connected) {
      // Sent again from "welcome" once the connection is back.
      sendingText("queued");
      return;
    }
    var sent = pending;
    var attempt = ++sendSeq;
    sendingText("sending");
    clearTimeout(slowTimer);
    slowTimer = setTimeout(function () {
      if (pending === sent) sendingText("still_sending");
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
        var here = current && current.id === sent.activity_id;
        render();
        if (here && isQuiz(current)) {
          announce(str("announce_locked"));
          var locked = $("[data-quiz-locked]");
          if (!locked.closest("[hidden]")) locked.focus();
        } else {
          announce(str("announce_recorded"));
          if (here) confirmation.focus();
        }
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
    if (codeName === "removed") return showRemoved();
    if (current && current.id === sent.activity_id && isQuiz(current)) return handleQuizRefusal(sent, codeName);
    if (codeName === "already_answered") refused[sent.activity_id] = true;
    if (codeName === "closed" && current && current.id === sent.activity_id) current.status = "closed";
    render();
    if (!current || current.id !== sent.activity_id) return;  // an old answer sent again: nothing to show
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

  /* ---- a quiz question ------------------------------------------------------
     Tiles with a letter, a shape and a colour (as on the big screen). One correct
     option: one tap answers and locks. Several: tick them, then Submit. The
     countdown starts from the server's remaining_ms when the state arrives. */

  var reducedMotion = !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

  function answered(activityId) { return Object.prototype.hasOwnProperty.call(answers, activityId); }
  function stateKey() { return phase + "|" + (current ? current.id + "|" + current.status : ""); }
  function asList(value) { return Array.isArray(value) ? value.slice() : (value === undefined || value === null ? [] : [value]); }

  /* A small coloured chip for an option: shape, letter and text. */
  function optionChip(activity, index) {
    var chip = el("li", "qchip tile--c" + index);
    chip.appendChild(optionBadge(index));
    chip.appendChild(el("span", "visually-hidden", LETTERS.charAt(index) + ": "));
    chip.appendChild(el("span", "qchip__text", (activity.options || [])[index] || ""));
    return chip;
  }
  function fillChips(list, activity, indices) {
    while (list.firstChild) list.removeChild(list.firstChild);
    indices.forEach(function (index) { list.appendChild(optionChip(activity, index)); });
  }

  var quizBox = $("[data-quiz-options]");
  var quizError = $("[data-quiz-error]");
  var quizSubmit = $("[data-quiz-submit]");

  function buildQuizTiles(activity) {
    while (quizBox.firstChild) quizBox.removeChild(quizBox.firstChild);
    var options = activity.options || [];
    // Two columns only for short options whose words fit half a phone's width.
    var short = options.every(function (o) {
      var text = String(o);
      return text.length <= 12 && text.split(/\s+/).every(function (word) { return word.length <= 9; });
    });
    quizBox.setAttribute("data-layout", short && options.length <= 4 ? "grid" : "list");
    options.forEach(function (option, index) {
      var button = el("button", "qtile tile--c" + index);
      button.type = "button";
      button.setAttribute("data-index", String(index));
      if (activity.multiple) button.setAttribute("aria-pressed", "false");
      button.appendChild(optionBadge(index));
      button.appendChild(el("span", "visually-hidden", LETTERS.charAt(index) + ": "));
      button.appendChild(el("span", "qtile__text", option));
      var mark = el("span", "qtile__mark", "✓");
      mark.setAttribute("aria-hidden", "true");
      button.appendChild(mark);
      button.addEventListener("click", function () { onTile(index); });
      quizBox.appendChild(button);
      setTid(button, "option-" + index);
    });
    quizFor = activity.id;
    hideQuizError();
  }

  function quizTiles() { return Array.prototype.slice.call(quizBox.querySelectorAll(".qtile")); }

  function showQuizError(message) {
    quizError.textContent = message;
    quizError.hidden = false;
  }
  function hideQuizError() {
    quizError.hidden = true;
    quizError.textContent = "";
  }

  /* Where the question stands for this phone. */
  function quizSituation(activity) {
    var voted = answered(activity.id);
    var sending = !!(pending && pending.activity_id === activity.id);
    var open = activity.status === "open";
    var late = !voted && !sending && (activity.status === "closed" || lateFor[activity.id] || (open && countdownOver(activity)));
    return {
      voted: voted, sending: sending, open: open, late: late,
      pending: activity.status === "pending",
      locked: voted || sending || late || !open || !!refused[activity.id]
    };
  }

  function renderQuiz() {
    var activity = current;
    if (!activity) return;
    if (quizFor !== activity.id) buildQuizTiles(activity);
    var index = typeof activity.position === "number" ? activity.position + 1 : 1;
    $("[data-quiz-number]").textContent = nActivities > 1 ? str("poll_n_of_m", { n: index, m: nActivities }) : "";
    $("[data-quiz-prompt]").textContent = activity.prompt || "";
    var s = quizSituation(activity);
    var chosen = s.voted ? asList(answers[activity.id]) : s.sending ? asList(pending.value) : (quizPicks[activity.id] || []);

    quizTiles().forEach(function (tile) {
      var i = parseInt(tile.getAttribute("data-index"), 10);
      var isChosen = chosen.indexOf(i) !== -1;
      tile.disabled = s.locked;
      tile.classList.toggle("is-chosen", isChosen);
      tile.classList.toggle("is-faded", (s.voted || s.sending || s.late) && !isChosen);
      if (activity.multiple) tile.setAttribute("aria-pressed", isChosen ? "true" : "false");
    });
    quizBox.classList.toggle("is-locked", s.locked);

    var hint = "";
    if (s.pending) hint = str("quiz_not_open");
    else if (!s.locked) {
      var n = activity.n_correct || 1;
      hint = activity.multiple ? plural("quiz_choose", n).split("{n}").join(formatNumber(n)) : str("quiz_tap_one");
    }
    $("[data-quiz-hint]").textContent = hint;
    quizSubmit.hidden = !activity.multiple || s.locked;
    $("[data-quiz-sending]").hidden = !s.sending || s.voted;
    var locked = $("[data-quiz-locked]");
    locked.hidden = !s.voted;
    if (s.voted) {
      var mine = $("[data-quiz-mine]");
      mine.textContent = str("quiz_your_answer", { answer: describeValue(activity, answers[activity.id]) });
    }
    var timeUp = $("[data-quiz-timeup]");
    timeUp.hidden = !s.late || !!refused[activity.id];
    $("[data-quiz-timeup-detail]").textContent = str("quiz_no_answer");
    renderCountdown();
  }

  function onTile(index) {
    var activity = current;
    if (!isQuiz(activity) || quizSituation(activity).locked) return;
    hideQuizError();
    if (!activity.multiple) {
      // Kahoot-style: the first tap is the answer.
      submitQuiz(activity, index);
      return;
    }
    var picks = (quizPicks[activity.id] || []).slice();
    var at = picks.indexOf(index);
    if (at === -1) picks.push(index); else picks.splice(at, 1);
    quizPicks[activity.id] = picks;
    renderQuiz();
  }

  quizSubmit.addEventListener("click", function () {
    var activity = current;
    if (!isQuiz(activity) || quizSituation(activity).locked) return;
    var picks = (quizPicks[activity.id] || []).slice().sort(function (a, b) { return a - b; });
    if (!picks.length) {
      showQuizError(str("quiz_choose_first"));
      return;
    }
    submitQuiz(activity, picks);
  });

  function submitQuiz(activity, value) {
    savePending({ activity_id: activity.id, value: value, answer_id: newAnswerId() });
    render();
    sendPending();
  }

  function handleQuizRefusal(sent, codeName) {
    if (codeName === "time_up" || codeName === "closed") {
      lateFor[sent.activity_id] = true;
      if (codeName === "closed" && current.status === "open") current.status = "closed";
      render();
      announce(str("announce_time_up"));
      return;
    }
    if (codeName === "already_answered") refused[sent.activity_id] = true;
    render();
    var key = S["quiz_error_" + codeName] ? "quiz_error_" + codeName : S["error_" + codeName] ? "error_" + codeName : "error_generic";
    showQuizError(str(key));
  }

  /* ---- the countdown ------------------------------------------------------------ */

  var clock = { activityId: null, deadline: 0, duration: 1, timer: null, shown: null };

  function startCountdown(activity) {
    clearInterval(clock.timer);
    clock.timer = null;
    if (!isQuiz(activity)) { clock.activityId = null; return; }
    clock.activityId = activity.id;
    clock.duration = Math.max(1, activity.duration_ms || (activity.seconds || 0) * 1000);
    clock.shown = null;
    announced[activity.id] = announced[activity.id] || {};
    if (activity.status === "open") {
      clock.deadline = window.performance.now() + Math.max(0, activity.remaining_ms || 0);
      if ((activity.remaining_ms || 0) > 0) {
        clock.timer = setInterval(tickCountdown, 200);
        announced[activity.id].zero = false;  // time added: the end is announced again
      }
    } else {
      clock.deadline = 0;
    }
  }

  function remainingMs(activity) {
    if (!activity || activity.id !== clock.activityId) return 0;
    if (activity.status === "open") return Math.max(0, clock.deadline - window.performance.now());
    if (activity.status === "pending") return clock.duration;
    return 0;
  }
  function countdownOver(activity) { return remainingMs(activity) <= 0; }

  function renderCountdown() {
    var activity = current;
    if (!isQuiz(activity)) return;
    var remaining = remainingMs(activity);
    var seconds = Math.ceil(remaining / 1000);
    var box = $("[data-quiz-countdown]");
    var stateName = activity.status === "pending" ? "idle" : seconds <= 0 ? "up" : seconds <= 5 ? "urgent" : "running";
    box.setAttribute("data-state", stateName);
    var ring = $("[data-quiz-ring]");
    var fraction = Math.min(1, remaining / clock.duration);
    if (!reducedMotion || clock.shown !== seconds) ring.style.strokeDashoffset = (100 - fraction * 100).toFixed(2);
    if (clock.shown === seconds) return false;
    clock.shown = seconds;
    $("[data-quiz-seconds]").textContent = formatNumber(seconds);
    $("[data-quiz-seconds-label]").textContent = " " + plural("seconds", seconds);
    return true;
  }

  function tickCountdown() {
    var activity = current;
    if (!isQuiz(activity) || activity.id !== clock.activityId) return;
    var before = clock.shown;
    if (!renderCountdown()) return;
    var seconds = clock.shown;
    var said = announced[activity.id] || (announced[activity.id] = {});
    var waiting = !answered(activity.id) && !(pending && pending.activity_id === activity.id);
    if (waiting && before !== null && before > 10 && seconds <= 10 && seconds > 0) announce(str("announce_ten"));
    if (seconds <= 0) {
      clearInterval(clock.timer);
      clock.timer = null;
      if (waiting && !said.zero) {
        said.zero = true;
        announce(str("announce_time_up"));
      }
      render();  // the tiles lock; the server closes the question a moment later
    }
  }

  /* ---- the reveal: right or wrong, points, rank ------------------------------------ */

  function sameChoice(a, b) {
    var x = asList(a).slice().sort(), y = asList(b).slice().sort();
    return x.length === y.length && x.every(function (v, i) { return v === y[i]; });
  }

  function onQuizResult(result) {
    if (!result || !result.activity_id) return;
    quizResults[result.activity_id] = result;
    if (!current || current.id !== result.activity_id) return;
    render();
    var said = announced[result.activity_id] || (announced[result.activity_id] = {});
    if (said.result) return;
    said.result = true;
    var box = $("[data-quiz-result]");
    var sentence = [$("[data-qresult-title]").textContent, $("[data-qresult-points]").textContent];
    if (!$("[data-qresult-streak]").hidden) sentence.push($("[data-qresult-streak]").textContent);
    if (!$("[data-qresult-rank]").hidden) sentence.push($("[data-qresult-rank]").textContent);
    announce(sentence.filter(Boolean).join(" "));
    if (!box.closest("[hidden]")) box.focus();
  }

  /* "{n} points" with the number big and the word small, in the translator's order. */
  function figureText(node, template, number) {
    while (node.firstChild) node.removeChild(node.firstChild);
    template.split(/(\{n\})/).forEach(function (part) {
      if (part === "{n}") node.appendChild(el("span", "figure__number", number));
      else if (part.trim()) node.appendChild(el("span", "figure__unit", part.trim()));
    });
  }

  function renderQuizResult() {
    var activity = current;
    var result = quizResults[activity.id] || null;
    var mine = answered(activity.id) ? answers[activity.id] : null;
    var correct = activity.correct || [];
    var didAnswer = result ? !!result.answered : mine !== null;
    var isRight = result ? !!result.correct : didAnswer && sameChoice(mine, correct);
    var points = result ? result.points || 0 : null;
    // Without the server's result (the page was reloaded after the reveal), the
    // rule of docs/PROTOCOL.md: some points when right picks outnumber wrong ones.
    var partly = points !== null ? points > 0 : (function () {
      var picks = asList(mine);
      var right = picks.filter(function (i) { return correct.indexOf(i) !== -1; }).length;
      return right - (picks.length - right) > 0;
    })();
    var kind = isRight ? "correct" : !didAnswer ? "none" : partly ? "partly" : "wrong";

    var box = $("[data-quiz-result]");
    box.setAttribute("data-correct", isRight ? "true" : "false");
    box.setAttribute("data-kind", kind);
    $("[data-qresult-icon]").textContent = { correct: "✓", partly: "◐", wrong: "✕", none: "⏱" }[kind];
    $("[data-qresult-title]").textContent = str("result_" + kind);
    var pointsNode = $("[data-qresult-points]");
    pointsNode.hidden = points === null;
    pointsNode.textContent = points === null ? "" : str(points === 1 ? "result_point" : "result_points", { n: formatNumber(points) });
    var streak = $("[data-qresult-streak]");
    streak.hidden = !(result && result.streak >= 2);
    streak.textContent = result && result.streak >= 2 ? str("result_streak", { n: formatNumber(result.streak) }) : "";

    var figures = root.querySelector(".qresult__figures");
    figures.hidden = !result;
    if (result) {
      figureText($("[data-qresult-score]"), str(result.score === 1 ? "result_score_one" : "result_score"), formatNumber(result.score || 0));
    }
    var rank = $("[data-qresult-rank]");
    rank.hidden = !(result && result.rank);
    rank.textContent = result && result.rank
      ? str("result_rank_sentence", { rank: formatNumber(result.rank), n: formatNumber(result.n_players || 0) }) : "";
    fillChips($("[data-qresult-correct]"), activity, correct);
    $("[data-qresult-mine]").textContent = mine !== null
      ? str("quiz_your_answer", { answer: describeValue(activity, mine) }) : str("quiz_no_answer");
  }

  /* ---- the podium --------------------------------------------------------------- */


  function onPodium(data, personal) {
    if (!data) return;
    var next = { podium: data.podium || (finalData && finalData.podium) || [], n_players: data.n_players || 0 };
    if (personal) {
      next.rank = data.rank;
      next.score = data.score;
    } else if (finalData && finalKey === stateKey()) {
      next.rank = finalData.rank;
      next.score = finalData.score;
    }
    finalData = next;
    finalKey = stateKey();
    render();
    if (personal && data.rank) {
      announce(str("announce_final", { rank: formatNumber(data.rank), n: formatNumber(data.n_players || 0), score: formatNumber(data.score || 0) }));
    }
  }

  function renderFinal() {
    var data = finalData;
    var title = $("[data-final-rank]");
    title.textContent = data.rank
      ? str("final_rank", { rank: formatNumber(data.rank), n: formatNumber(data.n_players) })
      : str("final_podium_only");
    var score = $("[data-final-score]");
    score.hidden = !data.rank;
    score.textContent = data.rank ? str(data.score === 1 ? "result_score_one" : "result_score", { n: formatNumber(data.score || 0) }) : "";
    var list = $("[data-final-podium]");
    while (list.firstChild) list.removeChild(list.firstChild);
    data.podium.slice(0, 3).forEach(function (row, index) {
      var item = el("li", "final__place final__place--" + (index + 1));
      item.appendChild(el("span", "final__ordinal", str("place_" + (index + 1))));
      item.appendChild(el("span", "final__name" + (row.name ? "" : " is-anonymous"), playerName(row, data.podium)));
      item.appendChild(el("span", "final__points", str(row.score === 1 ? "result_score_one" : "result_score", { n: formatNumber(row.score || 0) })));
      list.appendChild(item);
    });
    $("[data-final-players]").textContent = plural("players", data.n_players).split("{n}").join(formatNumber(data.n_players));
  }

  function renderEndedRank() {
    var line = $("[data-ended-rank]");
    var known = finalData && finalData.rank;
    line.hidden = !known;
    line.textContent = known ? str("announce_final", {
      rank: formatNumber(finalData.rank), n: formatNumber(finalData.n_players), score: formatNumber(finalData.score || 0)
    }) : "";
  }

  /* ---- removed by the host ----------------------------------------------------- */

  function showRemoved() {
    if (removed) return;
    removed = true;
    fatal = true;
    // This phone's token no longer opens the session: forget it, and stop retrying.
    storage.remove(TOKEN_KEY);
    savePending(null);
    savePendingWords([]);
    clearInterval(clock.timer);
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
    if (phase === "ended") {
      showScreen("ended");
      renderEndedRank();
    } else if (finalData && finalKey === stateKey()) {
      showScreen("final");
      renderFinal();
    } else if (phase === "activity" && isQuiz(current) && current.status === "revealed") {
      showScreen("quiz-result");
      renderQuizResult();
    } else if (phase === "activity" && isQuiz(current)) {
      showScreen("quiz");
      renderQuiz();
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
    startCountdown(current);
    render();

    if (phase === "ended" && beforePhase && beforePhase !== "ended") {
      announce(str("announce_ended"));
    } else if (isQuiz(current) && (!before || before.id !== current.id || before.status !== current.status)) {
      if (current.status === "open" && !answered(current.id)) {
        announce(str("announce_quiz", { n: Math.ceil((current.remaining_ms || 0) / 1000), prompt: current.prompt }));
      }
    } else if (current && (!before || before.id !== current.id)) {
      var announcement = current.type === "wordcloud" ? "announce_wordcloud" : "announce_poll";
      if (current.status === "open") announce(str(announcement, { prompt: current.prompt }));
    } else if (current && before && before.status !== current.status && current.status === "closed") {
      announce(str("announce_closed"));
    }
  }

  /* ---- waiting for the host, or not let in ----------------------------------- */

  /* The session has as many people as expected: this phone waits, connected,
     until the host lets it in ("admitted"), then comes in ("enter"). */
  function showWaiting() {
    if (fatal || removed) return;
    waitingForHost = true;
    connNode.hidden = true;
    showScreen("waiting");
    announce(str("announce_waiting"));
  }

  function enterNow() {
    if (!waitingForHost || !socket || !socket.connected) return;
    socket.timeout(ACK_TIMEOUT).emit("enter", {}, function (err, ack) {
      // The welcome follows an ok; "waiting_for_host" or no answer: keep waiting.
      if (err || !ack || ack.ok) return;
      var codeName = ack.error && ack.error.code;
      if (codeName === "joins_locked" || codeName === "session_ended" || codeName === "session_full") showCannotJoin(codeName);
    });
  }

  /* A new phone the session does not take: joins locked by the host (it can try
     again later), the session over or full. Nothing is retried by itself. */
  function showCannotJoin(codeName, message) {
    fatal = true;
    waitingForHost = false;
    var locked = codeName === "joins_locked";
    $("[data-error-heading]").textContent = locked ? str("joins_locked_title") :
      codeName === "session_ended" ? str("session_ended_title") : str("cannot_join");
    $("[data-fatal-text]").textContent = codeName === "session_ended" ? str("error_session_ended_join") :
      S["error_" + codeName] ? str("error_" + codeName) : (message || str("error_generic"));
    $("[data-icon='error']").hidden = locked;
    $("[data-icon='locked']").hidden = !locked;
    $("[data-retry]").hidden = !locked;
    if (socket) {
      try { socket.io.reconnection(false); } catch (e) { /* old client */ }
      if (socket.connected) socket.disconnect();
    }
    connNode.hidden = true;
    showScreen("error");
    $("[data-error-heading]").focus();
  }

  $("[data-retry]").addEventListener("click", function () {
    fatal = false;
    showScreen("connecting");
    if (socket) {
      try { socket.io.reconnection(true); } catch (e) { /* old client */ }
    }
    connect();
  });

  function onWelcome(welcome) {
    waitingForHost = false;
    if (welcome.token) storage.set(TOKEN_KEY, welcome.token);
    var greeting = $("[data-greeting]");
    greeting.textContent = welcome.name ? str("greeting", { name: welcome.name }) : "";
    // The name the server gave (made unique: "Zoé 2"), on every screen.
    $("[data-whoami-name]").textContent = welcome.name || "";
    $("[data-whoami]").hidden = !welcome.name;
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
    // What this phone missed while away: its result for a revealed question, its final rank.
    if (welcome.quiz_result) onQuizResult(welcome.quiz_result);
    if (welcome.final_rank) onPodium(welcome.final_rank, true);
    if (pending) {
      render();
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
      if (reason === "io client disconnect" || removed) return;
      wasOffline = true;
      showConnection("offline");
      if (reason === "io server disconnect") socket.connect();
      if (pending) {
        sendingText("queued");
        render();
      }
      if (pendingWords.length) {
        clearTimeout(wordSlowTimer);
        $("[data-wc-sending-text]").textContent = str("wc_queued");
        render();
      }
    });

    socket.on("connect_error", function (err) {
      var data = err && err.data;
      if (data && data.code === "rate_limited") {
        // A refusal in the connect handler is not retried by socket.io: try again
        // later ourselves (with jitter, so a crowd does not come back at once).
        if (!wasOffline) { wasOffline = true; showConnection("offline"); }
        setTimeout(function () { if (!socket.connected && !fatal) socket.connect(); }, 3000 + Math.random() * 4000);
        return;
      }
      if (data && data.code) {
        if (data.code === "removed") return showRemoved();
        if (data.code === "too_long" || data.code === "invalid_type" || data.code === "blank" || data.code === "name_not_allowed") {
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
        return showCannotJoin(data.code, data.message);
      }
      if (!wasOffline) {
        wasOffline = true;
        showConnection("offline");
      }
    });

    socket.on("welcome", onWelcome);
    socket.on("state", applyState);
    socket.on("quiz_result", onQuizResult);
    socket.on("podium", function (data) { onPodium(data, false); });
    socket.on("final_rank", function (data) { onPodium(data, true); });
    socket.on("removed", showRemoved);
    socket.on("waiting", showWaiting);
    socket.on("admitted", enterNow);
    socket.on("turned_away", function (data) { showCannotJoin((data && data.code) || "joins_locked"); });
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
