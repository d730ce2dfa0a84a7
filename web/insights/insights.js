/* ShopAssist support insights: a lead signs in with their token, picks a period, language and
 * segment, and sees the figures of GET /api/v1/insights/figures. Everything is rendered with
 * textContent; charts are SVG elements built with DOM calls (no innerHTML, no inline style).
 * Days, times and numbers are written by web/shared/format.js, as on the editor page. */
import { count, day, duration, moment, number, percent as ratio } from "/shared/format.js";

(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var SVG = "http://www.w3.org/2000/svg";
  var TOKEN_KEY = "shopassist:lead-token", LANG_KEY = "shopassist:insights-lang";
  var token = sessionStorage.getItem(TOKEN_KEY);
  var ui = localStorage.getItem(LANG_KEY) === "ko" ? "ko" : "en";
  var last = null;
  var T = {
    en: { title: "ShopAssist support insights", signIn: "Sign in", signOut: "Sign out", leadToken: "Lead token",
      from: "From", to: "To", language: "Language", segment: "Segment", all: "All", show: "Show",
      seg_new: "New", seg_regular: "Regular", seg_vip: "VIP", seg_churn_risk: "Churn risk",
      seg_anonymous: "Not signed in", seg_unknown: "Unknown",
      trend: "Conversations and containment per day", reasons: "Handoffs by reason", csatDist: "CSAT distribution",
      topArticles: "Top articles", topMisses: "Top misses", reason: "Reason", conversations: "Conversations",
      rate: "Rate", article: "Article", count: "Count", question: "Question (masked)",
      containment: "Containment", handoffRate: "Handoff rate", waitP50: "Wait p50", waitP95: "Wait p95",
      frtP50: "First response p50", frtP95: "First response p95", csat: "CSAT average", nps: "NPS",
      turns: "Bot turns", resolved: "Resolved by agents", handedBack: "Handed back",
      shown: "Prompts shown", engaged: "Prompts engaged", suppressed: "Prompts suppressed",
      kbAnswer: "KB answered", kbNone: "KB no answer", answers: "answers", none: "None in this period.",
      outcomesTitle: "How conversations ended", failuresTitle: "Failures by kind", kinds: "Kinds",
      tooFew: "too few to rely on", censored: "still waiting or left", atLeast: "at least",
      o_bot_resolved: "Resolved by the bot", o_agent_resolved: "Resolved by an agent", o_left_message: "Left a message",
      o_abandoned_after_miss: "Left after a miss", o_abandoned_after_no: "Left after a “No”",
      o_abandoned_at_dead_end: "Left at a dead end", o_abandoned_waiting: "Left the queue",
      o_abandoned_midway: "Left midway", o_open: "Open", o_silent: "Never wrote",
      f_kb_none: "No article", f_nlu_fallback: "Not understood", f_misunderstood: "No rule",
      f_out_of_scope: "Out of scope", f_not_helpful: "“No” to “Did this help?”", f_rephrased: "Asked again",
      f_handoff_after_answer: "Asked for a person after an answer",
      unknownToken: "Unknown token.", wrongToken: "This is not a lead token.", failed: "Request failed: ",
      legendConv: "conversations", legendCont: "containment %", langToggle: "한국어" },
    ko: { title: "ShopAssist 상담 인사이트", signIn: "로그인", signOut: "로그아웃", leadToken: "리드 토큰",
      from: "시작일", to: "종료일", language: "언어", segment: "고객군", all: "전체", show: "보기",
      seg_new: "신규", seg_regular: "일반", seg_vip: "VIP", seg_churn_risk: "이탈 위험",
      seg_anonymous: "비로그인", seg_unknown: "알 수 없음",
      trend: "일별 대화 수와 자동 해결률", reasons: "사유별 상담원 연결", csatDist: "CSAT 분포",
      topArticles: "많이 본 도움말", topMisses: "답하지 못한 질문", reason: "사유", conversations: "대화",
      rate: "비율", article: "도움말", count: "건수", question: "질문 (마스킹됨)",
      containment: "자동 해결률", handoffRate: "상담원 연결률", waitP50: "대기 p50", waitP95: "대기 p95",
      frtP50: "첫 응답 p50", frtP95: "첫 응답 p95", csat: "CSAT 평균", nps: "NPS",
      turns: "봇 응답 턴", resolved: "상담원 해결", handedBack: "봇으로 복귀",
      shown: "프롬프트 노출", engaged: "프롬프트 반응", suppressed: "프롬프트 억제",
      kbAnswer: "도움말 답변", kbNone: "도움말 없음", answers: "응답", none: "이 기간에는 없어요.",
      outcomesTitle: "대화 결과", failuresTitle: "유형별 실패", kinds: "유형",
      tooFew: "표본이 너무 적어요", censored: "대기 중 또는 이탈", atLeast: "최소",
      o_bot_resolved: "봇이 해결", o_agent_resolved: "상담원이 해결", o_left_message: "메시지 남김",
      o_abandoned_after_miss: "답을 못 받고 이탈", o_abandoned_after_no: "‘아니요’ 후 이탈",
      o_abandoned_at_dead_end: "막다른 길에서 이탈", o_abandoned_waiting: "대기 중 이탈",
      o_abandoned_midway: "중간에 이탈", o_open: "진행 중", o_silent: "메시지 없음",
      f_kb_none: "도움말 없음", f_nlu_fallback: "이해 못 함", f_misunderstood: "규칙 없음",
      f_out_of_scope: "범위 밖", f_not_helpful: "‘도움이 되었나요?’에 아니요", f_rephrased: "다시 질문",
      f_handoff_after_answer: "답변 직후 상담원 요청",
      unknownToken: "알 수 없는 토큰이에요.", wrongToken: "리드 토큰이 아니에요.", failed: "요청 실패: ",
      legendConv: "대화", legendCont: "자동 해결률 %", langToggle: "English" }
  };
  function t(key) { return T[ui][key] || key; }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function alertBox(text) { var a = $("alert"); a.textContent = text; a.hidden = !text; }
  function percent(x) { return ratio(x, ui); }
  function seconds(x) { return duration(x, ui); }
  function n(x) { return count(x, ui); }

  function api(params) {
    var query = new URLSearchParams(params).toString();
    return fetch("/api/v1/insights/figures?" + query, { headers: { Authorization: "Bearer " + token } })
      .then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) { var e = new Error((data.error && data.error.message) || r.status); e.status = r.status; throw e; }
          return data;
        });
      });
  }

  // --- language ------------------------------------------------------------------------------------
  function applyLanguage() {
    document.documentElement.lang = ui;
    document.querySelectorAll("[data-t]").forEach(function (node) { node.textContent = t(node.dataset.t); });
    $("lang-toggle").textContent = t("langToggle");
    $("lang-toggle").lang = ui === "en" ? "ko" : "en";
    if (last) render(last);
  }
  $("lang-toggle").addEventListener("click", function () {
    ui = ui === "en" ? "ko" : "en"; localStorage.setItem(LANG_KEY, ui); applyLanguage();
  });

  // --- sign in and filters -------------------------------------------------------------------------
  // the API's periods are whole UTC days, written YYYY-MM-DD in the filters (text fields: a date
  // input would show the browser's own locale format, MM/DD/YYYY in en-US)
  function isoDay(d) { return d.toISOString().slice(0, 10); }
  var today = new Date();
  $("to").value = isoDay(today);
  $("from").value = isoDay(new Date(today.getTime() - 6 * 86400000));
  function filters() {
    return { from: $("from").value, to: $("to").value, lang: $("lang").value, segment: $("segment").value };
  }
  $("sign-in").addEventListener("submit", function (e) {
    e.preventDefault(); token = $("token").value.trim(); start();
  });
  $("sign-out").addEventListener("click", function () { sessionStorage.removeItem(TOKEN_KEY); location.reload(); });
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); load(); });
  function start() {
    api(filters()).then(function (data) {
      sessionStorage.setItem(TOKEN_KEY, token);
      $("sign-in").hidden = true; $("board").hidden = false; $("sign-out").hidden = false;
      render(data);
    }, function (err) {
      $("sign-in-error").textContent = err.status === 401 ? t("unknownToken") : err.status === 403 ? t("wrongToken") : t("failed") + err.message;
    });
  }
  function load() {
    alertBox("");
    api(filters()).then(render, function (err) { alertBox(t("failed") + err.message); });
  }

  // --- figures -------------------------------------------------------------------------------------
  function tile(key, value, note, name) {
    var box = el("div", "tile"); box.dataset.figure = name;
    box.append(el("div", "label", t(key)), el("div", "value", value));
    if (note) box.append(el("div", "note", note));
    return box;
  }
  function render(f) {
    last = f;
    document.body.dataset.loaded = f.period.from + ".." + f.period.to + "|" + (f.period.lang || "") + "|" + (f.period.segment || "");
    $("tiles").replaceChildren(
      tile("conversations", n(f.conversations), null, "conversations"),
      tile("containment", percent(f.containment), n(f.contained) + " / " + n(f.conversations - f.outcomes.silent),
        "containment"),
      tile("handoffRate", percent(f.handoff_rate), n(f.handed_off) + " / " + n(f.conversations), "handoff_rate"),
      tile("waitP50", bound(f.wait_s, "p50"), sample(f.wait_s), "wait_p50"),
      tile("waitP95", bound(f.wait_s, "p95"), null, "wait_p95"),
      tile("frtP50", bound(f.first_response_s, "p50"), sample(f.first_response_s), "frt_p50"),
      tile("frtP95", bound(f.first_response_s, "p95"), null, "frt_p95"),
      tile("csat", number(f.csat.average, ui, 2), "n = " + n(f.csat.n), "csat"),
      tile("nps", number(f.nps.score, ui, 1), "n = " + n(f.nps.n), "nps"),
      tile("resolved", n(f.ticket_outcomes.resolved), null, "resolved"),
      tile("handedBack", n(f.ticket_outcomes.handed_back), null, "handed_back"),
      tile("turns", n(f.turns), null, "turns"),
      tile("kbAnswer", n(f.kb.answer), null, "kb_answer"),
      tile("kbNone", n(f.kb.none), null, "kb_none"),
      tile("shown", n(f.proactive.shown), null, "proactive_shown"),
      tile("engaged", n(f.proactive.engaged), null, "proactive_engaged"),
      tile("suppressed", n(f.proactive.suppressed), reasons(f.proactive.suppressed_by_reason), "proactive_suppressed"));
    rows($("outcome-rows"), Object.keys(f.outcomes).map(function (o) { return { name: o, n: f.outcomes[o] }; }),
      function (o) { return [t("o_" + o.name), n(o.n)]; }, function (tr, o) {
        tr.dataset.outcome = o.name;
        if (o.n) { tr.className = "clickable"; tr.tabIndex = 0; tr.addEventListener("click", function () { examples(o.name); }); }
      });
    rows($("failure-rows"), Object.keys(f.failures.en).map(function (k) { return k; }),
      function (k) { return [t("f_" + k), n(f.failures.en[k]), n(f.failures.ko[k])]; }, function (tr, k) { tr.dataset.kind = k; });
    rows($("reason-rows"), f.handoffs_by_reason, function (r) { return [r.reason, n(r.conversations), percent(r.rate)]; });
    rows($("article-rows"), perLanguage(f.top_articles), function (a) { return [a.title, a.lang, n(a.count)]; });
    rows($("miss-rows"), perLanguage(f.top_misses), function (m) {
      return [m.text, m.lang, Object.keys(m.kinds).map(function (k) { return t("f_" + k); }).join(", "), n(m.count)];
    });
    trendChart($("trend-chart"), f.trend);
    csatChart($("csat-chart"), f.csat.distribution);
  }
  function rows(body, items, cells, mark) {
    body.replaceChildren();
    if (!items.length) { var tr = el("tr"); var td = el("td", "empty", t("none")); td.colSpan = 4; tr.append(td); body.append(tr); return; }
    items.forEach(function (item) {
      var tr = el("tr");
      cells(item).forEach(function (c) { tr.append(el("td", null, c)); });
      if (mark) mark(tr, item);
      body.append(tr);
    });
  }
  // the masked transcripts behind one outcome, newest first
  function examples(outcome) {
    var query = new URLSearchParams(Object.assign({ outcome: outcome, limit: "5" }, filters())).toString();
    fetch("/api/v1/insights/examples?" + query, { headers: { Authorization: "Bearer " + token } })
      .then(function (r) { return r.json().then(function (d) { if (!r.ok) throw new Error((d.error && d.error.message) || r.status); return d; }); })
      .then(function (data) {
        var box = $("examples"); box.replaceChildren(el("h3", null, t("o_" + outcome)));
        data.examples.forEach(function (x) {
          var item = el("section", "example"); item.dataset.conversation = x.conversation_id;
          item.append(el("div", "note", moment(x.started) + " · " + x.lang));
          x.messages.forEach(function (m) { item.append(el("p", "msg " + m.sender, m.sender + ": " + m.text)); });
          box.append(item);
        });
        box.hidden = false;
      }, function (err) { alertBox(t("failed") + err.message); });
  }
  function perLanguage(byLang) {
    return ["en", "ko"].reduce(function (all, lang) {
      return all.concat((byLang[lang] || []).map(function (item) { return Object.assign({ lang: lang }, item); }));
    }, []);
  }
  // a percentile of waits some of which still run is a lower bound: say so, with n and how many still run
  function bound(w, p) { return (w[p + "_at_least"] ? "≥ " : "") + seconds(w[p]); }
  function sample(w) {
    return "n = " + n(w.n) + " (" + n(w.censored) + " " + t("censored") + ")" + (w.enough ? "" : " · " + t("tooFew"));
  }
  function reasons(byReason) {
    return Object.keys(byReason).map(function (r) { return r + " " + n(byReason[r]); }).join(", ") || null;
  }

  // --- charts --------------------------------------------------------------------------------------
  function trendChart(box, days) {
    var W = 640, H = 220, L = 36, B = 24, R = 36, top = 10;
    var max = Math.max(1, Math.max.apply(null, days.map(function (d) { return d.conversations; })));
    var step = (W - L - R) / days.length, barW = Math.max(2, step * 0.6);
    var every = Math.ceil(72 / step);  // a YYYY-MM-DD label is about 62 units wide: never two overlap
    var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": t("trend") });
    chart.append(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, "class": "axis" }));
    chart.append(svg("text", { x: 2, y: top + 8 }, n(max)), svg("text", { x: W - R + 4, y: top + 8 }, percent(1)));
    var points = [];
    days.forEach(function (d, i) {
      var x = L + i * step + (step - barW) / 2, h = (H - B - top) * d.conversations / max;
      var bar = svg("rect", { x: x, y: H - B - h, width: barW, height: h, "class": "bar" });
      bar.append(svg("title", {}, day(d.day) + ": " + n(d.conversations) + " " + t("legendConv") + ", " + percent(d.containment)));
      chart.append(bar);
      if (d.containment !== null) points.push([x + barW / 2, H - B - (H - B - top) * d.containment]);
      if (i % every === 0) chart.append(svg("text", { x: x, y: H - 6, "class": "day" }, day(d.day)));
    });
    if (points.length) {
      chart.append(svg("polyline", { points: points.map(function (p) { return p.join(","); }).join(" "), "class": "line" }));
      points.forEach(function (p) { chart.append(svg("circle", { cx: p[0], cy: p[1], r: 3, "class": "dot" })); });
    }
    var legend = el("div", "legend");
    legend.append(el("span", "swatch bar"), el("span", null, t("legendConv")), el("span", "swatch line"), el("span", null, t("legendCont")));
    box.replaceChildren(chart, legend);
  }
  function csatChart(box, distribution) {
    var W = 320, H = 160, B = 22, top = 14, scores = ["1", "2", "3", "4", "5"];
    var max = Math.max(1, Math.max.apply(null, scores.map(function (s) { return distribution[s]; })));
    var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": t("csatDist") });
    scores.forEach(function (s, i) {
      var n = distribution[s], h = (H - B - top) * n / max, x = 20 + i * 60;
      var bar = svg("rect", { x: x, y: H - B - h, width: 40, height: h, "class": "bar" });
      bar.dataset.score = s;
      chart.append(bar, svg("text", { x: x + 16, y: H - 6 }, s), svg("text", { x: x + 14, y: H - B - h - 3 }, count(n, ui)));
    });
    box.replaceChildren(chart);
  }

  applyLanguage();
  if (token) start();
})();
