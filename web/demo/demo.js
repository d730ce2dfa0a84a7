/* The demo shop's own script: a cart in localStorage, reported to the widget's JS API
 * (window.ShopAssist.cart / .checkoutError) as a real shop would do from its own code. */
(function () {
  "use strict";
  var KEY = "demo-shop:cart";
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
