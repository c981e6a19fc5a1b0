/* live: the phone's outbox, the one send-and-retry path of every kind's answers.

   An answer ({activity_id, type, value, event}) gets an answer_id made once, and is
   kept in localStorage until the server acknowledges it: after a timeout or a
   lost connection the same answer_id is sent again, and counted once. Answers
   go out one at a time, oldest first. `event` is "answer", or a kind's participant
   event: one that takes the answer's payload (a date poll's "change"), or, with
   `spread`, one whose payload is `value` itself with activity_id and answer_id
   added (a Q&A's "ask"). A plain script loaded after common.js: it defines
   window.LiveOutbox. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var SLOW_AFTER = 4000;

  /* The outbox of a page. `page` holds key (its localStorage key), oldKeys
     (where older pages kept answers: taken in, then forgotten), socket() the
     page's Socket.IO client, timeout (ms to wait for an ack), sending(item, key)
     to say where an answer stands ("sending", "still_sending", "queued") and
     acked(item, ack) once the server answered (ok or not). */
  function create(page) {
    var items = [];
    var seq = 0;
    var slowTimer = null;

    [page.key].concat(page.oldKeys || []).forEach(function (key) {
      try {
        var parsed = JSON.parse(C.storage.get(key) || "[]");
        items = items.concat(Array.isArray(parsed) ? parsed : [parsed]);
      } catch (e) { /* unreadable: dropped */ }
    });
    (page.oldKeys || []).forEach(function (key) { C.storage.remove(key); });
    items = items.filter(function (p) { return p && p.activity_id && p.answer_id; });

    function save(list) {
      items = list;
      if (list.length) C.storage.set(page.key, JSON.stringify(list));
      else C.storage.remove(page.key);
    }

    /* Send the oldest answer (again), unless offline: then it waits for flush(). */
    function flush() {
      var socket = page.socket();
      if (!items.length || !socket) return;
      var sent = items[0];
      if (!socket.connected) return page.sending(sent, "queued");
      var attempt = ++seq;
      page.sending(sent, "sending");
      clearTimeout(slowTimer);
      slowTimer = setTimeout(function () { if (items[0] === sent) page.sending(sent, "still_sending"); }, SLOW_AFTER);
      socket.timeout(page.timeout).emit(sent.event || "answer", payloadOf(sent), function (err, ack) {
        if (!items.length || items[0].answer_id !== sent.answer_id) return;
        if (err) {
          // No ack in time: the same answer_id again (counted once).
          if (attempt === seq && socket.connected) flush();
          return;
        }
        clearTimeout(slowTimer);
        save(items.slice(1));
        page.acked(sent, ack || {});
        if (items.length) flush();
      });
    }

    /* What goes on the wire: an answer's {activity_id, value, answer_id}, or an
       event's payload with its activity_id and answer_id. */
    function payloadOf(item) {
      if (!item.spread) return { activity_id: item.activity_id, value: item.value, answer_id: item.answer_id };
      return Object.assign({}, item.value, { activity_id: item.activity_id, answer_id: item.answer_id });
    }

    return {
      /* Add an answer to `activity` (sent as `event`, default "answer"; with `spread`
         the event's payload is `value` itself) and send it. */
      add: function (activity, value, event, spread) {
        var item = { activity_id: activity.id, type: activity.type, value: value, answer_id: C.newId() };
        if (event && event !== "answer") item.event = event;
        if (spread) item.spread = true;
        save(items.concat([item]));
        flush();
      },
      /* The answers to `activityId` still on their way. */
      queued: function (activityId) { return items.filter(function (p) { return p.activity_id === activityId; }); },
      /* Keep only the answers `keep` says (the server already holds the others). */
      keep: function (keep) { save(items.filter(keep)); },
      clear: function () { save([]); },
      /* The connection dropped: every answer waits for it. */
      offline: function () {
        clearTimeout(slowTimer);
        items.forEach(function (item) { page.sending(item, "queued"); });
        return items.length > 0;
      },
      flush: flush
    };
  }

  /* A kind's event beyond "answer" (an upvote, a report: nothing to keep if the phone
     goes offline, the person taps again), sent once: done(error, ack), error null
     when ok, {code: "offline"} or {code: "no_answer"} when it could not be sent. */
  function once(socket, event, payload, timeout, done) {
    if (!socket || !socket.connected) return done({ code: "offline" }, {});
    socket.timeout(timeout).emit(event, payload, function (err, ack) {
      if (err) return done({ code: "no_answer" }, {});
      done(ack && ack.ok ? null : (ack && ack.error) || {}, ack || {});
    });
  }

  window.LiveOutbox = { create: create, once: once };
})();
