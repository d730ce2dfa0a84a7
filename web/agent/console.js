/* ShopAssist agent console: the queue (REST, refreshed every 2 s), one claimed ticket at a
 * time with its context, and the chat over the gateway's WebSocket. Everything a shopper
 * or the bot wrote is rendered with textContent, never as HTML. The console is in English; its
 * numbers are written by web/shared/format.js, as on the editor page and the dashboard. */
import { duration, fixed, number } from "/shared/format.js";

(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var token = sessionStorage.getItem("shopassist:agent-token");
  var ticket = null, ws = null, heartbeat = null, seenTickets = {}, seenMessages = {}, lastId = null;
  var alertTicket = null;  // the ticket the high-priority banner is about
  var titles = {};  // button payload -> the title the shopper saw on it
  var UI = "en";  // the console's only UI language
  var HIGH_PRIORITY = 80;  // 0-100, higher is served first; fraud and anger rules sit at 80 and above

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function api(method, path, body, lease) {
    var headers = { Authorization: "Bearer " + token, "Content-Type": "application/json" };
    if (lease) headers["X-Lease-Token"] = lease;
    return fetch("/api/v1/agent" + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        if (r.status === 204) return null;
        return r.json().then(function (data) {
          if (!r.ok) { var e = new Error((data.error && data.error.message) || r.status); e.status = r.status; throw e; }
          return data;
        });
      });
  }
  function alertBox(text) { var a = $("alert"); a.textContent = text; a.hidden = !text; alertTicket = null; }
  // The bot's **bold** (FAQ articles) as <strong> nodes built from text: never HTML.
  function rich(cls, text) {
    var node = el("span", cls);
    String(text).split(/\*\*(.+?)\*\*/).forEach(function (part, i) {
      node.appendChild(i % 2 ? el("strong", null, part) : document.createTextNode(part));
    });
    return node;
  }
  // A clicked button arrives as its payload ("/choose_article{...}"): show what the shopper saw.
  var PAYLOAD = /^\/([A-Za-z_]+)(\{.*\})?$/;
  function asShopperSaw(text) {
    if (titles[text]) return titles[text];
    var m = PAYLOAD.exec(text);
    return m ? "(pressed a button: " + m[1].replace(/_/g, " ") + ")" : text;
  }
  function rememberButtons(buttons) { (buttons || []).forEach(function (b) { titles[b.payload] = b.title; }); }
  // Context values as lines of text, never JSON: lists one per line, objects as "key: value".
  function readable(value) {
    if (Array.isArray(value)) return value.map(readable).join("\n");
    if (value && typeof value === "object") {
      return Object.keys(value).map(function (k) { return k + ": " + readable(value[k]); }).join(", ");
    }
    return String(value);
  }

  // --- sign in and the queue ---------------------------------------------------------------------
  $("sign-in").addEventListener("submit", function (e) {
    e.preventDefault();
    token = $("token").value.trim();
    start();
  });
  $("sign-out").addEventListener("click", function () {
    var done = function () { sessionStorage.removeItem("shopassist:agent-token"); location.reload(); };
    api("PUT", "/presence", { status: "offline" }).then(done, done);
  });
  // Presence: the queue promises shoppers a wait only while someone who can help is online.
  var PRESENCE_EVERY_MS = 20000;
  function reportPresence() {
    api("PUT", "/presence", { status: $("presence").value }).then(function (d) {
      $("team").textContent = d.team_online + " online";
    }, function () { $("team").textContent = "status not sent — retrying"; });
  }
  $("presence").addEventListener("change", reportPresence);
  function start() {
    api("GET", "/queue").then(function (data) {
      sessionStorage.setItem("shopassist:agent-token", token);
      $("sign-in").hidden = true; $("desk").hidden = false; $("sign-out").hidden = false;
      $("presence-label").hidden = false;
      reportPresence();
      setInterval(reportPresence, PRESENCE_EVERY_MS);
      if ("Notification" in window && Notification.permission === "default") Notification.requestPermission();
      showQueue(data.tickets);
      setInterval(refreshQueue, 2000);
    }, function (err) {
      $("sign-in-error").textContent = err.status === 401 ? "Unknown agent token." : "Sign-in failed: " + err.message;
    });
  }
  function refreshQueue() { api("GET", "/queue").then(function (d) { showQueue(d.tickets); }, function () {}); }
  function showQueue(tickets) {
    var rows = $("queue-rows");
    rows.replaceChildren();
    $("queue-empty").hidden = tickets.length > 0;
    $("queue-count").textContent = "(" + tickets.length + ")";
    if (alertTicket && !tickets.some(function (t) { return t.id === alertTicket; })) alertBox("");  // claimed or gone
    tickets.forEach(function (t) {
      var tr = el("tr"); tr.dataset.ticket = t.id;
      tr.append(el("td", t.priority >= HIGH_PRIORITY ? "high" : null, "P" + t.priority), el("td", null, t.reasons.join(", ")),
                el("td", null, t.skill + " · " + t.lang), el("td", null, t.segment || "—"),
                el("td", "waiting", duration(t.waiting_s, UI)));
      var cell = el("td"), claim = el("button", "claim", "Claim");
      claim.type = "button"; claim.disabled = !!ticket;
      claim.addEventListener("click", function () { claimTicket(t.id); });
      cell.appendChild(claim); tr.appendChild(cell); rows.appendChild(tr);
      if (!seenTickets[t.id]) {
        seenTickets[t.id] = true;
        if (t.priority >= HIGH_PRIORITY) notify(t);
      }
    });
  }
  function notify(t) {
    var text = "High-priority ticket (P" + t.priority + "): " + t.reasons.join(", ");
    alertBox(text); alertTicket = t.id;
    if ("Notification" in window && Notification.permission === "granted") new Notification("ShopAssist", { body: text });
  }

  // --- one ticket ----------------------------------------------------------------------------------
  function claimTicket(id) {
    api("POST", "/claim", { ticket_id: id }).then(function (data) {
      if (!data) { alertBox("That ticket was taken by someone else."); return; }
      ticket = data.ticket; seenMessages = {}; lastId = null; titles = {};
      if (alertTicket === ticket.id) alertBox("");
      $("log").replaceChildren(); $("chat").hidden = false; $("context").hidden = false;
      $("chat-title").textContent = "Conversation · ticket " + ticket.id;
      showContext(ticket.context || {});
      connect();
      refreshQueue();
      heartbeat = setInterval(function () {
        api("POST", "/tickets/" + ticket.id + "/heartbeat", null, ticket.lease_token)
          .catch(function (e) { if (e.status === 409) closeTicket("Your lease on this ticket was lost."); });
      }, 15000);
      $("reply-text").focus();
    }, function (e) { alertBox("Claim failed: " + e.message); });
  }
  function closeTicket(message) {
    clearInterval(heartbeat); heartbeat = null;
    if (ws) { ws.onclose = null; ws.close(); ws = null; }
    ticket = null; $("chat").hidden = true; $("context").hidden = true;
    alertBox(message || "");
    refreshQueue();
  }
  function ticketAction(path, body, done) {
    api("POST", "/tickets/" + ticket.id + path, body, ticket.lease_token)
      .then(function () { closeTicket(done); }, function (e) { alertBox(e.message); });
  }
  $("release").addEventListener("click", function () { ticketAction("/release", null, "Released to the queue."); });
  $("handback").addEventListener("click", function () { ticketAction("/handback", {}, "Handed back to the bot."); });
  $("transfer").addEventListener("click", function () {
    ticketAction("/transfer", { skill: $("transfer-skill").value }, "Transferred.");
  });
  $("resolve").addEventListener("submit", function (e) {
    e.preventDefault();
    ticketAction("/resolve", { code: $("resolve-code").value, note: $("resolve-note").value || null }, "Resolved.");
  });

  function money(value, currency) {
    var amount = number(Number(value), UI, 2);
    return currency ? currency + " " + amount : amount;
  }
  function cartText(cart, currency) {
    var lines = (cart.lines || []).map(function (l) { return l.qty + " × " + l.name + " — " + money(l.price * l.qty, currency); });
    return lines.concat(["Total " + money(cart.value, currency)]).join("\n");
  }
  function showContext(c) {
    var dl = el("dl");
    function row(label, value) {
      if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return;
      dl.append(el("dt", null, label), el("dd", null, readable(value)));
    }
    var customer = c.customer || c.profile || {};
    row("Customer", customer.name ? customer.name + " (" + (customer.id || "guest") + ")" : customer.id || "guest (not signed in)");
    var segment = c.segment || ticket.segment;
    row("Segment", segment === "unknown" && !customer.id ? "— (guest)" : segment);
    row("Escalation reasons", (c.reasons || ticket.reasons).map(function (r) { return r.why || r.code || r; }).join("; "));
    row("Recent orders", (c.recent_orders || []).map(function (o) { return [o.id, o.status, o.total].join(" · "); }).join("\n"));
    row("Order in question", c.order);
    row("Page", c.page && (c.page.type + " — " + c.page.url));
    row("Pages seen", (c.page_trail || []).map(function (p) { return p.type + (p.path ? " (" + p.path + ")" : ""); }).join(" → "));
    row("Cart", c.cart && cartText(c.cart, c.currency));
    row("Intents", (c.nlu || []).map(function (n) { return n.intent + " (" + fixed(n.confidence, UI, 2) + ")"; }).join(", "));
    row("Sentiment (anger per message)", (c.sentiment_trend || []).map(function (x) {
      return typeof x === "number" ? fixed(x, UI, 2) : x;
    }).join(" → "));
    row("Articles already shown", c.kb_articles_shown);  // the bot's side of the chat is in the log, once
    row("Notes", c.notes);
    $("context-body").replaceChildren(dl);
  }

  // --- live chat -----------------------------------------------------------------------------------
  function addMessage(m) {
    if (seenMessages[m.id]) return;
    seenMessages[m.id] = true; lastId = m.id;
    rememberButtons(m.buttons);
    var li = el("li", m.sender); li.dataset.ts = m.ts;
    var text = m.sender === "bot" ? rich("text", m.text) : el("span", "text", m.sender === "shopper" ? asShopperSaw(m.text) : m.text);
    li.append(el("span", "who", m.sender === "agent" ? (m.agent_name || "agent") : m.sender), text);
    // in time order: a queue update written while the shopper's turn was answered comes after that turn's message
    var later = Array.prototype.find.call($("log").children, function (other) { return Number(other.dataset.ts) > m.ts; });
    $("log").insertBefore(li, later || null); $("log").scrollTop = $("log").scrollHeight;
  }
  var backoff = 500;
  function connect() {
    var current = ticket;
    ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/api/v1/ws");
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "auth", role: "agent", token: token, ticket_id: current.id,
                               lease_token: current.lease_token, after: lastId || undefined }));
    };
    ws.onmessage = function (e) {
      var f = JSON.parse(e.data);
      if (f.type === "ready") backoff = 500;
      else if (f.type === "message") { addMessage(f.message); if (f.message.sender === "shopper") $("typing").hidden = true; }
      else if (f.type === "typing" && f.sender === "shopper") $("typing").hidden = !f.on;
      else if (f.type === "error") alertBox(f.message);
    };
    ws.onclose = function (e) {
      ws = null;
      if (ticket !== current) return;
      if (e.code >= 4400 && e.code < 4500) { closeTicket("This ticket is no longer yours."); return; }
      setTimeout(function () { if (ticket === current) connect(); }, backoff);
      backoff = Math.min(backoff * 2, 15000);
    };
  }
  $("reply").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text || !ws || ws.readyState !== 1) return;
    ws.send(JSON.stringify({ type: "message", text: text, client_msg_id: "a" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8) }));
    $("reply-text").value = "";
  });
  $("reply-text").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("reply").requestSubmit(); }
  });
  var lastTyping = 0;
  $("reply-text").addEventListener("input", function () {
    if (ws && ws.readyState === 1 && Date.now() - lastTyping > 2000) {
      lastTyping = Date.now(); ws.send(JSON.stringify({ type: "typing", on: true }));
    }
  });

  $("kb").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = $("kb-q").value.trim();
    if (!q) return;
    var lang = ticket ? ticket.lang : "en";
    fetch("/api/v1/agent/kb/search?q=" + encodeURIComponent(q) + "&lang=" + lang, { headers: { Authorization: "Bearer " + token } })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        var list = $("kb-results");
        list.replaceChildren();
        (d.articles || []).forEach(function (a) {
          var li = el("li"), use = el("button", "insert", "Insert");
          use.type = "button";
          use.addEventListener("click", function () { $("reply-text").value = a.answer; $("reply-text").focus(); });
          li.append(el("strong", null, a.title + " "), use);
          list.appendChild(li);
        });
        if (!list.children.length) list.appendChild(el("li", null, (d.error && d.error.message) || "No articles found."));
      });
  });

  if (token) start();
})();
