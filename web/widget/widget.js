/* ShopAssist chat widget: one <script src=".../widget/widget.js" data-locale data-customer-id data-user-hash>.
 * Live over WebSocket (protocol in docs/web.md), REST polling when that fails; every message is
 * rendered with textContent, never as HTML. The conversation lives in localStorage, so it
 * survives reloads and is shared by the shop's tabs; unacknowledged messages are resent with
 * their client_msg_id, which the gateway deduplicates. */
(function () {
  "use strict";
  var script = document.currentScript;
  var BASE = new URL(script.src).origin;
  var LOCALE = script.dataset.locale === "ko" ? "ko" : "en";
  var CUSTOMER = script.dataset.customerId || null;
  var USER_HASH = script.dataset.userHash || null;
  var STORE = "shopassist:" + (CUSTOMER || "guest");
  var T = {
    en: { title: "ShopAssist", open: "Chat with us", close: "Close chat", placeholder: "Type your message…",
          send: "Send", typingBot: "ShopAssist is typing…", typingAgent: "{n} is typing…",
          queue: "You're number {p} in the queue · about {m} min",
          queueUnstaffed: "You're number {p} in the queue · nobody online yet", agent: "You're chatting with {n}",
          rate: "How did we do?", star: "{n} of 5 stars",
          offline: "Reconnecting…", failed: "Not sent — retrying", unread: "{n} unread",
          notice: "Privacy notice", consentGo: "Start chatting",
          personalisation: "Use my profile and order history to help me",
          proactive: "Show me helpful messages while I shop",
          greeting: "Hi! I'm the shop's assistant. Ask me about orders, delivery, returns or payments, or pick one:",
          starters: ["Where is my order?", "How long does delivery take?", "How do I return an item?"] },
    ko: { title: "ShopAssist", open: "채팅 상담", close: "채팅 닫기", placeholder: "메시지를 입력하세요…",
          send: "보내기", typingBot: "ShopAssist가 입력 중…", typingAgent: "{n}님이 입력 중…",
          queue: "대기 순번 {p}번 · 약 {m}분", queueUnstaffed: "대기 순번 {p}번 · 접속한 상담원 없음", agent: "{n}님과 상담 중", rate: "상담은 어떠셨나요?",
          star: "별 5개 중 {n}개", offline: "다시 연결하는 중…",
          failed: "전송 안 됨 — 다시 시도 중", unread: "읽지 않은 메시지 {n}개",
          notice: "개인정보 처리방침", consentGo: "상담 시작하기",
          personalisation: "상담에 프로필과 주문 내역을 활용하는 데 동의합니다",
          proactive: "쇼핑 중 도움말 메시지를 받겠습니다",
          greeting: "안녕하세요! 쇼핑 도우미예요. 주문, 배송, 반품, 결제에 대해 물어보시거나 아래에서 골라 주세요.",
          starters: ["주문한 상품은 어디쯤 왔나요?", "배송은 얼마나 걸려요?", "반품은 어떻게 하나요?"] }
  }[LOCALE];
  function fmt(s, v) { return s.replace(/\{(\w)\}/g, function (_, k) { return v[k]; }); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var state = load();
  function load() {
    try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function save() { localStorage.setItem(STORE, JSON.stringify(state)); }
  state.outbox = state.outbox || [];

  // --- DOM ---------------------------------------------------------------------------------
  var css = el("link"); css.rel = "stylesheet"; css.href = BASE + "/widget/widget.css";
  document.head.appendChild(css);
  var root = el("div", "sa-root"); root.lang = LOCALE;
  var launcher = el("button", "sa-launcher", T.open); launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  var badge = el("span", "sa-badge"); badge.hidden = true; launcher.appendChild(badge);
  var panel = el("section", "sa-panel"); panel.hidden = true;
  panel.setAttribute("role", "dialog"); panel.setAttribute("aria-label", T.title);
  var header = el("header", "sa-header");
  var title = el("h2", "sa-title", T.title);
  var closeBtn = el("button", "sa-close", "×"); closeBtn.type = "button"; closeBtn.setAttribute("aria-label", T.close);
  header.append(title, closeBtn);
  var status = el("div", "sa-status"); status.setAttribute("role", "status"); status.hidden = true;
  var log = el("ol", "sa-log"); log.setAttribute("aria-live", "polite"); log.tabIndex = 0;
  var typing = el("div", "sa-typing"); typing.hidden = true; typing.setAttribute("aria-live", "polite");
  var form = el("form", "sa-form");
  var input = el("textarea", "sa-input"); input.rows = 1; input.maxLength = 2000;
  input.placeholder = T.placeholder; input.setAttribute("aria-label", T.placeholder);
  var sendBtn = el("button", "sa-send", T.send); sendBtn.type = "submit";
  form.append(input, sendBtn);
  var consentBox = el("form", "sa-consent"); consentBox.hidden = true;
  panel.append(header, status, consentBox, log, typing, form);
  // a new message while the panel is closed shows here, readable, not only as a count
  var teaser = el("div", "sa-teaser"); teaser.hidden = true; teaser.setAttribute("role", "status");
  var teaserText = el("button", "sa-teaser-text"); teaserText.type = "button";
  var teaserClose = el("button", "sa-teaser-close", "×"); teaserClose.type = "button";
  teaserClose.setAttribute("aria-label", T.close);
  teaser.append(teaserText, teaserClose);
  root.append(panel, teaser, launcher);
  document.body.appendChild(root);

  var unread = 0;
  function newer(a, b) {  // stream ids "ms-seq", compared as numbers
    if (!b) return true;
    var x = a.split("-").map(Number), y = b.split("-").map(Number);
    return x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]);
  }
  function markRead() { if (last && newer(last, state.read)) { state.read = last; save(); } }
  function setOpen(open) {
    panel.hidden = !open; launcher.setAttribute("aria-expanded", String(open));
    root.classList.toggle("sa-open", open);
    if (open && consentNeeded()) { askConsent(); }
    else if (open) { unread = 0; showBadge(); markRead(); greet(); input.focus(); ensureConversation(); }
    if (open) teaser.hidden = true;
    else launcher.focus();
    state.open = open; save();
  }
  // An empty chat opens with a greeting and starter questions (shown, not stored: a starter sends
  // its words as a message, which the bot reads like any other).
  function greet() {
    if (log.querySelector(".sa-msg")) return;
    var item = bubble("bot", T.greeting);
    item.classList.add("sa-greeting");
    replies(item, T.starters.map(function (s) { return { title: s, payload: s }; }));
  }
  function showBadge() {
    badge.hidden = unread === 0; badge.textContent = String(unread);
    badge.setAttribute("aria-label", fmt(T.unread, { n: unread }));
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  teaserText.addEventListener("click", function () { setOpen(true); });
  teaserClose.addEventListener("click", function () { teaser.hidden = true; });
  function showTeaser(text) {
    var plain = text.replace(/[*_`#>]/g, "").replace(/\s+/g, " ").trim();
    teaserText.textContent = plain.length > 140 ? plain.slice(0, 139) + "…" : plain;
    teaser.hidden = false;
  }
  closeBtn.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  // --- rendering -----------------------------------------------------------------------------
  var seen = {}, titles = {};
  function scroll() { log.scrollTop = log.scrollHeight; }
  function rich(text) {  // **bold** from the FAQ articles, built as nodes: text stays text
    var p = el("p", "sa-text");
    text.split(/\*\*(.+?)\*\*/).forEach(function (part, i) {
      p.appendChild(i % 2 ? el("strong", null, part) : document.createTextNode(part));
    });
    return p;
  }
  function bubble(sender, text, key) {
    var item = el("li", "sa-msg sa-" + sender);
    item.appendChild(sender === "bot" ? rich(text) : el("p", "sa-text", text));
    if (key) item.dataset.key = key;
    log.appendChild(item); scroll();
    return item;
  }
  function isRating(buttons) {
    return buttons && buttons.length === 5 && buttons.every(function (b) { return /^\/rate\b/.test(b.payload); });
  }
  function render(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    if (m.sender === "shopper") {
      var pending = m.client_msg_id && log.querySelector('[data-key="' + CSS.escape(m.client_msg_id) + '"]');
      if (pending) { pending.classList.remove("sa-pending", "sa-failed"); return; }
      bubble("shopper", titles[m.text] || m.text);
      return;
    }
    if (m.sender === "system") return system(m);
    var item = bubble(m.sender, m.text);
    if (m.sender === "agent" && m.agent_name) {
      item.insertBefore(el("span", "sa-name", m.agent_name), item.firstChild);
      showAgent(m.agent_name);
    }
    if (isRating(m.buttons)) stars(item, m.buttons);
    else if (m.buttons) replies(item, m.buttons);
    scroll();
    if (panel.hidden && newer(m.id, state.read)) { unread += 1; showBadge(); showTeaser(m.text); }
  }
  function system(m) {
    if (m.event === "position") {
      status.hidden = false;
      status.textContent = m.eta_s === null ? fmt(T.queueUnstaffed, { p: m.position })
        : fmt(T.queue, { p: m.position, m: Math.max(1, Math.ceil(m.eta_s / 60)) });
    } else if (m.event === "claimed" && m.agent_name) showAgent(m.agent_name);
    else if (["resolved", "handed_back", "dead_lettered"].indexOf(m.event) >= 0) {
      status.hidden = true; title.textContent = T.title;  // the agent has left the chat
    }
    bubble("system", m.text);
  }
  function showAgent(name) {
    status.hidden = false; status.textContent = fmt(T.agent, { n: name });
    title.textContent = name;
  }
  function replies(item, buttons) {
    var row = el("div", "sa-replies");
    buttons.forEach(function (b) {
      titles[b.payload] = b.title;
      var btn = el("button", "sa-reply", b.title); btn.type = "button";
      btn.addEventListener("click", function () { row.remove(); say(b.payload, b.title); });
      row.appendChild(btn);
    });
    item.appendChild(row);
  }
  function stars(item, buttons) {
    var group = el("div", "sa-stars"); group.setAttribute("role", "group"); group.setAttribute("aria-label", T.rate);
    group.appendChild(el("span", "sa-stars-label", T.rate));
    buttons.forEach(function (b, i) {
      titles[b.payload] = "★".repeat(i + 1);
      var star = el("button", "sa-star", "★"); star.type = "button";
      star.setAttribute("aria-label", fmt(T.star, { n: i + 1 }));
      star.addEventListener("click", function () {
        group.replaceChildren(el("span", "sa-stars-label", fmt(T.star, { n: i + 1 })));  // the bot says thanks
        say(b.payload, "★".repeat(i + 1));
      });
      group.appendChild(star);
    });
    item.appendChild(group);
  }
  function showTyping(who, on) {
    typing.hidden = !on;
    typing.textContent = who === "bot" ? T.typingBot : fmt(T.typingAgent, { n: who });
  }

  // --- conversation and transport -------------------------------------------------------------
  var ws = null, backoff = 500, wsFailures = 0, polling = null, creating = null;
  function api(path, opts) {
    opts = opts || {};
    opts.headers = Object.assign({ "Content-Type": "application/json" }, opts.headers || {});
    if (state.token) opts.headers.Authorization = "Bearer " + state.token;
    return fetch(BASE + "/api/v1" + path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) { var err = new Error(r.status); err.status = r.status; err.body = body; throw err; }
        return body;
      });
    });
  }
  function ensureConversation() {
    if (state.conversation_id) { connect(); return Promise.resolve(); }
    if (creating) return creating;
    var body = { locale: LOCALE, page: { url: location.href.slice(0, 500), type: pageType() } };
    if (CUSTOMER) { body.customer_id = CUSTOMER; body.user_hash = USER_HASH; }
    if (consent) body.consent = Object.assign({ notice_version: consent.version }, consent.choices);
    creating = api("/conversations", { method: "POST", body: JSON.stringify(body) }).then(function (d) {
      state.conversation_id = d.conversation_id; state.token = d.token; save();
      creating = null; connect();
      sendEvents(false, true);  // links this visitor to the chat: the agent sees its cart and pages seen
    }, function (e) { creating = null; throw e; });
    return creating;
  }
  function newId() { return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }
  function say(text, shown) {
    var item = { id: newId(), text: text };
    state.outbox.push(item); save();
    bubble("shopper", shown || text, item.id).classList.add("sa-pending");
    ensureConversation().then(flush, function () { markFailed(item.id); });
  }
  function markFailed(id) {
    var node = log.querySelector('[data-key="' + CSS.escape(id) + '"]');
    if (node) { node.classList.add("sa-failed"); node.title = T.failed; }
  }
  function acked(id) {
    state.outbox = state.outbox.filter(function (m) { return m.id !== id; }); save();
    var node = log.querySelector('[data-key="' + CSS.escape(id) + '"]');
    if (node) node.classList.remove("sa-pending", "sa-failed");
  }
  function flush() {
    state.outbox.forEach(function (m) {
      if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "message", text: m.text, client_msg_id: m.id }));
      else if (polling) restSend(m);
    });
  }
  function restSend(m) {
    if (m.inFlight) return;
    m.inFlight = true;
    api("/conversations/" + state.conversation_id + "/messages",
        { method: "POST", body: JSON.stringify({ text: m.text, client_msg_id: m.id }) })
      .then(function (d) { m.inFlight = false; acked(m.id); poll(); },
            function (e) { m.inFlight = false; markFailed(m.id); if (e.status < 500 && e.status !== 409 && e.status !== 429) acked(m.id); });
  }
  var last = null;  // per page: a fresh page renders the whole transcript, a reconnect only what it missed
  function received(m) {
    render(m);
    if (!last || newer(m.id, last)) last = m.id;
    if (!panel.hidden) markRead();
    if (m.sender !== "shopper") showTyping("", false);
  }
  function connect() {
    if (ws || polling || !state.conversation_id) return;
    if (!("WebSocket" in window) || wsFailures >= 3) return startPolling();
    ws = new WebSocket(BASE.replace(/^http/, "ws") + "/api/v1/ws");
    var ready = false;
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "auth", role: "shopper", conversation_id: state.conversation_id,
                               token: state.token, after: last || undefined }));
    };
    ws.onmessage = function (e) {
      var f = JSON.parse(e.data);
      if (f.type === "ready") { ready = true; backoff = 500; wsFailures = 0; root.classList.remove("sa-offline"); flush(); }
      else if (f.type === "message") received(f.message);
      else if (f.type === "ack") acked(f.client_msg_id);
      else if (f.type === "typing") showTyping(f.sender === "bot" ? "bot" : f.name || "", f.on);
      else if (f.type === "error" && f.client_msg_id) {
        markFailed(f.client_msg_id);
        if (!f.retry) acked(f.client_msg_id);
        else setTimeout(flush, 2000);
      }
    };
    ws.onclose = function (e) {
      ws = null;
      if (e.code === 4404 || e.code === 4401 || e.code === 4410) { reset(); return; }  // 4410: erased
      if (!ready) wsFailures += 1;
      root.classList.add("sa-offline");
      setTimeout(connect, backoff); backoff = Math.min(backoff * 2, 15000);
    };
  }
  function reset() {  // the conversation expired: start afresh on the next message
    state = { outbox: state.outbox, open: state.open }; save();
  }
  function startPolling() {
    polling = setInterval(poll, 2000); poll(); flush();
  }
  function poll() {
    var after = last ? "?after=" + encodeURIComponent(last) : "";
    api("/conversations/" + state.conversation_id + "/messages" + after)
      .then(function (d) { d.messages.forEach(received); flush(); }, function () {});
  }
  var lastTyping = 0;
  input.addEventListener("input", function () {
    if (ws && ws.readyState === 1 && Date.now() - lastTyping > 2000) {
      lastTyping = Date.now(); ws.send(JSON.stringify({ type: "typing", on: true }));
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = ""; say(text);
  });

  // --- privacy notice and consent (docs/privacy.md) ------------------------------------------
  // The shop's notice and the consents it requires come from the gateway; the shopper's choice is
  // kept here (per notice version) and stored by the gateway with the time and the version.
  var CONSENT = "shopassist:consent", notice = null;
  var consent = (function () { try { return JSON.parse(localStorage.getItem(CONSENT)); } catch (e) { return null; } })();
  fetch(BASE + "/api/v1/privacy/notice?lang=" + LOCALE).then(function (r) { return r.ok ? r.json() : null; })
    .then(function (d) { notice = d; if (!panel.hidden && consentNeeded()) askConsent(); }, function () {});
  function consentNeeded() {
    return !!(notice && notice.required.length && !(consent && consent.version === notice.version));
  }
  function askConsent() {
    consentBox.replaceChildren(el("p", "sa-notice", notice.text));
    if (notice.url) {
      var link = el("a", "sa-notice-link", T.notice); link.href = notice.url; link.target = "_blank"; link.rel = "noopener";
      consentBox.appendChild(link);
    }
    notice.required.forEach(function (purpose) {
      var label = el("label", "sa-consent-option"), box = el("input");
      box.type = "checkbox"; box.name = purpose;  // never pre-ticked
      label.append(box, document.createTextNode(" " + T[purpose]));
      consentBox.appendChild(label);
    });
    var go = el("button", "sa-consent-go", T.consentGo); go.type = "submit";
    consentBox.appendChild(go);
    consentBox.hidden = false; form.hidden = true; log.hidden = true;
    go.focus();
  }
  consentBox.addEventListener("submit", function (e) {
    e.preventDefault();
    var choices = {};
    notice.required.forEach(function (p) { choices[p] = consentBox.elements[p].checked; });
    consent = { version: notice.version, choices: choices };
    localStorage.setItem(CONSENT, JSON.stringify(consent));
    consentBox.hidden = true; form.hidden = false; log.hidden = false;
    var change = JSON.stringify(Object.assign({ notice_version: consent.version }, choices));
    if (state.conversation_id) api("/conversations/" + state.conversation_id + "/consent", { method: "PUT", body: change });
    if (visitor) {
      fetch(BASE + "/api/v1/visitors/consent", { method: "PUT", body: change, headers: {
        "Content-Type": "application/json", Authorization: "Bearer " + visitor.token } }).catch(function () {});
    }
    setOpen(true);
  });

  // --- behaviour events for the proactive engine (docs/web.md; best effort, never in the way) -----
  var events = [], eventsOff = false, VISITOR = "shopassist:visitor";
  var visitor = (function () { try { return JSON.parse(localStorage.getItem(VISITOR)); } catch (e) { return null; } })();
  function pageType() { return document.body.dataset.pageType || "other"; }
  var URGENT = ["checkout_error", "exit_intent"];  // sent at once: a prompt helps only while it is timely
  function track(type, data) {
    if (eventsOff) return;
    events.push({ type: type, ts: Date.now() / 1000, page: { url: location.href.slice(0, 500), type: pageType() },
                  data: data || {} });
    if (URGENT.indexOf(type) >= 0) sendEvents();
  }
  function post(path, body, headers, keepalive) {
    return fetch(BASE + "/api/v1" + path, { method: "POST", body: JSON.stringify(body), keepalive: !!keepalive,
                                            headers: Object.assign({ "Content-Type": "application/json" }, headers) })
      .then(function (r) {
        if (r.status === 404) { eventsOff = true; events = []; }  // no proactive engine on this gateway
        if (r.status === 401 && path === "/events") { visitor = null; localStorage.removeItem(VISITOR); }
        return r.ok ? r.json() : null;
      });
  }
  function visitorToken() {
    if (visitor) return Promise.resolve(visitor.token);
    return post("/visitors", { locale: LOCALE }, {}).then(function (d) {
      if (d) { visitor = d; localStorage.setItem(VISITOR, JSON.stringify(d)); }
      return d && d.token;
    });
  }
  function sendEvents(beacon, evenIfNone) {
    if ((!events.length && !evenIfNone) || eventsOff) return;
    var batch = events.splice(0, 50);
    visitorToken().then(function (token) {
      if (!token) return null;
      var body = { events: batch }, headers = { Authorization: "Bearer " + token };
      if (state.conversation_id) {  // links the visitor to the conversation, which receives any prompt
        body.conversation_id = state.conversation_id; headers["X-Conversation-Token"] = state.token;
      }
      return post("/events", body, headers, beacon);
    }).then(function (d) {
      // a prompt waits for a conversation: start one; its messages then arrive like any other
      if (d && d.prompt && d.prompt.pending && !state.conversation_id) {
        ensureConversation().then(function () { track("page_view", {}); sendEvents(); });
      }
    }).catch(function () {});
  }
  setInterval(sendEvents, 5000);
  track("page_view", {});
  // Time on the page while it is visible, reported as a running total every 15 s (up to 10 min),
  // so a rule's dwell_s_min of any size is met within 15 s of being reached.
  var DWELL_EVERY_S = 15, DWELL_MAX_S = 600, dwellS = 0;
  var dwellTimer = setInterval(function () {
    if (document.visibilityState !== "visible") return;
    dwellS += DWELL_EVERY_S;
    track("dwell", { seconds: dwellS });
    if (dwellS >= DWELL_MAX_S) clearInterval(dwellTimer);
  }, DWELL_EVERY_S * 1000);
  var depth = 0;
  window.addEventListener("scroll", function () {
    var max = document.documentElement.scrollHeight - innerHeight;
    var pct = max > 0 ? Math.floor(scrollY / max * 4) * 25 : 100;
    if (pct > depth) { depth = pct; track("scroll_depth", { depth: pct }); }
  }, { passive: true });
  var exitTracked = false;  // once per page view: the pointer may leave the top edge many times
  document.addEventListener("mouseout", function (e) {
    if (!e.relatedTarget && e.clientY <= 0 && !exitTracked) { exitTracked = true; track("exit_intent", {}); }
  });
  window.addEventListener("pagehide", function () { sendEvents(true); });

  window.ShopAssist = {
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    track: track,
    cart: function (items, total) { track("cart_update", { value: total, items: items }); },
    checkoutError: function (code) { track("checkout_error", { code: String(code) }); },
    search: function (query, results) { track("search", { query: query, results: results }); }
  };

  window.addEventListener("storage", function (e) {  // another tab started or reset the conversation
    if (e.key === STORE && !state.conversation_id) { state = load(); state.outbox = state.outbox || []; connect(); }
  });
  if (state.conversation_id) {
    connect();
    state.outbox.forEach(function (m) { bubble("shopper", titles[m.text] || m.text, m.id).classList.add("sa-pending"); });
  }
  if (state.open) setOpen(true);
})();
