/* live: the session's remote control, shared by the host screen (host.js) and
   the moderation console (moderate.js).

   The buttons carry data-action (previous, open, close, add_time, reveal,
   next, podium, end; joins: lock or unlock joins; admit: let in the phones
   waiting beyond the expected size); which ones are usable follows the current
   activity and view.joins (the last "joins": locked, expected_participants,
   n_waiting).
   Each page passes what differs (how it shows messages, what it does once time
   is added or the session ended) as hooks. A plain script loaded after
   common.js: it defines window.LiveControls. */
(function () {
  "use strict";

  var C = window.LiveCommon;

  /* The controls of one page. `page` holds:
       root, view (phase, activity, connected, ended, busy, fatal; busy and ended are
       set here), activities() the current programme, texts (LiveCommon.texts),
       announce, renderPage(), socket() (the page's Socket.IO client), failed(text)
       to show an error, and optional hooks: succeeded(), local (action -> function: page-only
       actions such as the QR code), podiumOnScreen(), hidePodium() (true when the
       podium button only had to take it off the screen), podiumShown(), timeAdded(),
       ending(), ended(), rendered(), joinsChanged(ack) after a lock or unlock, letIn(ack)
       after "let them in". */
  function create(page) {
    var root = page.root;
    var view = page.view;
    var str = page.texts.str;
    var endDialog = root.querySelector("[data-end-dialog]");
    var archiveUrl = root.getAttribute("data-archive-url");

    function $(selector) { return root.querySelector(selector); }
    function $all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
    function hook(name) {
      if (typeof page[name] !== "function") return undefined;
      return page[name].apply(null, Array.prototype.slice.call(arguments, 1));
    }

    function anyRevealed() {
      if (C.isQuiz(view.activity) && view.activity.status === "revealed") return true;
      return page.activities().some(function (a) { return C.isQuiz(a) && a.status === "revealed"; });
    }

    /* What each action would act on now (an activity, true), or null when it cannot. */
    function targets() {
      var activities = page.activities();
      var current = view.activity;
      var index = current ? C.indexOfActivity(activities, current.id) : -1;
      var live = view.connected && !view.ended && view.phase !== "ended" && !view.busy && !view.fatal;
      var t = {};
      var quiz = C.isQuiz(current);
      if (current && index >= 0) {
        // A revealed question cannot be asked again (the server refuses it).
        t.open = current.status !== "open" && current.status !== "revealed" ? current : null;
        t.close = current.status === "open" ? current : null;
        t.next = activities[index + 1] || null;
        t.previous = index > 0 ? activities[index - 1] : null;
      } else {
        t.open = activities[0] || null;
        t.close = null;
        t.next = activities[0] || null;
        t.previous = null;
      }
      t.add_time = quiz && current.status === "open" ? current : null;
      t.reveal = quiz && (current.status === "open" || current.status === "closed") ? current : null;
      t.podium = anyRevealed() || null;
      t.end = true;
      var joins = view.joins || {};
      t.joins = true;
      t.admit = joins.n_waiting > 0 && !joins.locked ? true : null;
      Object.keys(t).forEach(function (k) { if (!live) t[k] = null; });
      return t;
    }

    /* The buttons as the state allows: disabled, labelled, shown or not. */
    function render() {
      var t = targets();
      $all("[data-action]").forEach(function (button) {
        var action = button.getAttribute("data-action");
        if (!(action in t)) return;
        button.setAttribute("aria-disabled", t[action] ? "false" : "true");
      });
      var joinsButton = $("[data-action='joins']");
      if (joinsButton) {
        var locked = !!(view.joins && view.joins.locked);
        joinsButton.setAttribute("data-locked", locked ? "true" : "false");
        $("[data-joins-label]").textContent = str(locked ? "unlock_joins" : "lock_joins");
      }
      var nextLabel = $("[data-next-label]");
      if (nextLabel) nextLabel.textContent = view.activity ? str("next") : str("start");
      var subject = view.activity || t.open || page.activities()[0];
      var kind = C.isWordCloud(subject) ? "wordcloud" : C.isQuiz(subject) ? "quiz" : "poll";
      $("[data-open-label]").textContent = str("open_" + kind);
      $("[data-close-label]").textContent = str("close_" + kind);
      // Quiz controls show only where they mean something (not after the reveal).
      var asking = C.isQuiz(view.activity) && view.phase === "activity" && view.activity.status !== "revealed" &&
        !hook("podiumOnScreen");
      var focused = document.activeElement;
      $("[data-action='add_time']").hidden = !asking;
      $("[data-action='reveal']").hidden = !asking;
      var podiumButton = $("[data-action='podium']");
      podiumButton.hidden = !anyRevealed();
      hook("rendered");
      // A button that just went away (Show answer after the reveal) hands the focus on.
      if (focused && focused.hidden && focused.hasAttribute("data-action")) {
        var onward = !podiumButton.hidden ? podiumButton : $("[data-action='next']");
        onward.focus();
      }
    }

    /* Send a host command; the controls wait (busy) until the server answers. */
    function command(event, payload, timeout, done) {
      view.busy = true;
      render();
      page.socket().timeout(timeout).emit(event, payload, function (err, ack) {
        view.busy = false;
        if (err) {
          page.failed(str("no_answer"));
        } else if (!ack || !ack.ok) {
          page.failed(page.texts.errorText(ack && ack.error));
        } else {
          hook("succeeded");
          if (done) done(ack);
        }
        render();
      });
    }

    function run(action) {
      if (page.local && page.local[action]) return page.local[action]();
      var t = targets();
      if (!t[action]) return;
      if (action === "end") return C.openDialog(endDialog);
      if (action === "close") return command("close", { activity_id: t.close.id }, 10000);
      if (action === "add_time") {
        return command("add_time", { activity_id: t.add_time.id, seconds: 10 }, 10000, function () { hook("timeAdded"); });
      }
      if (action === "reveal") return command("reveal", { activity_id: t.reveal.id }, 10000);
      if (action === "joins") {
        var locking = !(view.joins && view.joins.locked);
        return command(locking ? "lock_joins" : "unlock_joins", {}, 10000, function (ack) {
          view.joins = Object.assign({}, view.joins, { locked: locking });
          hook("joinsChanged", ack);
        });
      }
      if (action === "admit") return command("admit_waiting", {}, 10000, function (ack) { hook("letIn", ack); });
      if (action === "podium") {
        if (hook("hidePodium")) return;
        return command("podium", {}, 10000, function () { hook("podiumShown"); });
      }
      command("open", { activity_id: t[action].id }, 10000);
    }

    /* End the session (once confirmed); the summary links then point to its archive. */
    function endSession() {
      hook("ending");
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
        page.announce(str("announce_ended"));
        page.renderPage();
        hook("ended", ack);
      });
    }

    if (endDialog) {
      endDialog.addEventListener("close", function () {
        if (endDialog.returnValue === "end") endSession();
        endDialog.returnValue = "";
      });
    }
    $all("[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (button.getAttribute("aria-disabled") === "true") return;
        run(button.getAttribute("data-action"));
      });
    });

    /* True for `results` computed just before a reveal that arrive after it: a
       revealed question never goes back (fresh results follow). */
    function staleResults(result) {
      if (result.status === "revealed") return false;
      var current = view.activity && view.activity.id === result.activity_id ? view.activity : null;
      var known = C.activityById(page.activities(), result.activity_id);
      return !!((current && current.status === "revealed") || (known && known.status === "revealed"));
    }

    return {
      targets: targets, anyRevealed: anyRevealed, render: render, command: command, run: run, endDialog: endDialog,
      staleResults: staleResults
    };
  }

  /* The host-side connection of a page (projector or console): Socket.IO with
     backoff and jitter; a restart's "server disconnect" and a `rate_limited`
     refusal are retried (socket.io retries neither by itself); any other refusal
     is for good. `page` holds auth, view (connected, everConnected, busy are set
     here), texts, announce, setOffline(offline), showFatal(text), render(), and
     an optional lost() for what the page resets when the connection drops. */
  function connect(page) {
    var view = page.view;
    var str = page.texts.str;
    var socket = io({ auth: page.auth, reconnectionDelayMax: 5000, randomizationFactor: 0.5 });

    socket.on("connect", function () {
      view.connected = true;
      page.setOffline(false);
      if (view.everConnected) page.announce(str("online"));
      view.everConnected = true;
      page.render();
    });

    socket.on("disconnect", function (reason) {
      view.connected = false;
      view.busy = false;
      if (typeof page.lost === "function") page.lost();
      if (reason === "io client disconnect") return;
      page.setOffline(true);
      page.announce(str("offline"));
      page.render();
      if (reason === "io server disconnect") socket.connect();
    });

    socket.on("connect_error", function (err) {
      var data = err && err.data;
      if (data && data.code === "rate_limited") {
        page.setOffline(true);
        setTimeout(function () { if (!socket.connected) socket.connect(); }, 3000 + Math.random() * 4000);
        return;
      }
      if (data && data.code) {
        var known = str("error_" + data.code);
        page.showFatal(known !== "error_" + data.code ? known : (data.message || err.message));
        return;
      }
      page.setOffline(true);
    });
    return socket;
  }

  window.LiveControls = { create: create, connect: connect };
})();
