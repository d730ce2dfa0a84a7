/* The demo shop's own script: a cart in localStorage, reported to the widget's JS API
 * (window.ShopAssist.cart / .checkoutError) as a real shop would do from its own code, and a
 * sign-in as one of the demo customers, which embeds the widget with that customer's
 * customer_id and user_hash the way a real shop's server renders them into its pages. */
(function () {
  "use strict";
  var KEY = "demo-shop:cart", ACCOUNT = "demo-shop:account";
  var LANG = document.documentElement.lang === "ko" ? "ko" : "en";
  // Demo customers of each segment (actions/shop/demo_data.py; tests/web/test_demo_sign_in.py keeps them true).
  var CUSTOMERS = [
    { id: "C0006", name: "Ava Walker", segment: "new" },
    { id: "C0002", name: "Emma Brown", segment: "regular" },
    { id: "C0004", name: "Olivia Wilson", segment: "vip" },
    { id: "C0011", name: "한지호", segment: "new" },
    { id: "C0007", name: "조도윤", segment: "regular" },
    { id: "C0009", name: "장서준", segment: "vip" }
  ];
  var WORDS = {
    en: { guest: "Guest (not signed in)", account: "Account", segments: { new: "new customer", regular: "regular", vip: "VIP" },
          failed: "Sign-in failed; try again." },
    ko: { guest: "비회원 (로그인 안 함)", account: "계정", segments: { new: "신규 고객", regular: "일반 고객", vip: "VIP" },
          failed: "로그인하지 못했어요. 다시 시도해 주세요." }
  }[LANG];
  function account() { try { return JSON.parse(localStorage.getItem(ACCOUNT)); } catch (e) { return null; } }
  function embedWidget() {
    var script = document.createElement("script"), who = account();
    script.src = "/widget/widget.js";
    script.dataset.locale = LANG;
    if (who) { script.dataset.customerId = who.customer_id; script.dataset.userHash = who.user_hash; }
    document.body.appendChild(script);
  }
  function signIn(customerId) {
    if (!customerId) { localStorage.removeItem(ACCOUNT); location.reload(); return; }
    fetch("/api/v1/demo/sign-in", { method: "POST", headers: { "Content-Type": "application/json" },
                                    body: JSON.stringify({ customer_id: customerId }) })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) { localStorage.setItem(ACCOUNT, JSON.stringify(d)); location.reload(); })
      .catch(function () { alert(WORDS.failed); });
  }
  function accountPicker() {
    var nav = document.querySelector(".shop-header nav");
    if (!nav) return;
    var label = document.createElement("label"), select = document.createElement("select"), who = account();
    label.className = "account";
    label.append(WORDS.account + " ", select);
    [{ id: "", name: WORDS.guest }].concat(CUSTOMERS).forEach(function (c) {
      var option = document.createElement("option");
      option.value = c.id;
      option.textContent = c.segment ? c.name + " · " + WORDS.segments[c.segment] : c.name;
      option.selected = who ? who.customer_id === c.id : !c.id;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { signIn(select.value); });
    nav.appendChild(label);
  }
  function cart() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(lines) { localStorage.setItem(KEY, JSON.stringify(lines)); show(); report(lines); }
  function total(lines) { return lines.reduce(function (s, l) { return s + l.price * l.qty; }, 0); }
  function report(lines) { if (window.ShopAssist) window.ShopAssist.cart(lines, total(lines)); }
  function show() {
    var lines = cart();
    var count = document.getElementById("cart-count");
    if (count) count.textContent = String(lines.reduce(function (s, l) { return s + l.qty; }, 0));
    var list = document.getElementById("cart-lines");
    if (list) {
      list.replaceChildren();
      lines.forEach(function (l) {
        var li = document.createElement("li");
        li.textContent = l.qty + " × " + l.name + " — ₩" + (l.price * l.qty).toLocaleString();
        list.appendChild(li);
      });
      document.getElementById("cart-total").textContent = total(lines).toLocaleString();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    accountPicker();
    embedWidget();
    show();
    var add = document.getElementById("add-to-cart");
    if (add) add.addEventListener("click", function () {
      var lines = cart(), sku = add.dataset.sku;
      var line = lines.find(function (l) { return l.sku === sku; });
      if (line) line.qty += 1;
      else lines.push({ sku: sku, name: add.dataset.name, price: Number(add.dataset.price), qty: 1 });
      save(lines);
      document.getElementById("added").hidden = false;
    });
    var empty = document.getElementById("empty-cart");
    if (empty) empty.addEventListener("click", function () { save([]); });
    var form = document.getElementById("checkout-form");
    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        if (form.elements.payment.value === "KakaoPay") {  // the demo's failing payment, for proactive help
          document.getElementById("declined").hidden = false;
          if (window.ShopAssist) window.ShopAssist.checkoutError("payment_declined");
          return;
        }
        localStorage.removeItem(KEY); show();
        form.hidden = true; document.getElementById("placed").hidden = false;
      });
    }
  });
})();
