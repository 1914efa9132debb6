/* The searchable picker (web/pickers/_widget.html): htmx fetches the hits, this file makes them choosable
   with the keyboard (↓ ↑ Enter Esc) or the mouse, and keeps a half-typed name from being submitted. */
(function () {
  "use strict";
  function box(el) { return el && el.closest ? el.closest("[data-picker]") : null; }
  function opts(p) { return Array.prototype.slice.call(p.querySelectorAll("[role=option]")); }
  function input(p) { return p.querySelector("[data-picker-input]"); }
  function list(p) { return p.querySelector(".picker-list"); }
  function setActive(p, i) {
    var o = opts(p);
    o.forEach(function (x, j) { x.classList.toggle("active", j === i); x.setAttribute("aria-selected", j === i ? "true" : "false"); });
    p.dataset.active = String(i);
    if (o[i]) { input(p).setAttribute("aria-activedescendant", o[i].id); o[i].scrollIntoView({ block: "nearest" }); }
    else { input(p).removeAttribute("aria-activedescendant"); }
  }
  function close(p) { list(p).innerHTML = ""; input(p).setAttribute("aria-expanded", "false"); p.dataset.active = "-1"; }
  function addChip(p, opt) {
    var chips = p.querySelector("[data-picker-chips]");
    if (chips.querySelector('input[value="' + opt.dataset.value + '"]')) return;
    var chip = document.createElement("span"); chip.className = "chip";
    chip.textContent = opt.dataset.label;
    chip.title = opt.dataset.detail || "";
    var hidden = document.createElement("input"); hidden.type = "hidden"; hidden.name = p.dataset.name; hidden.value = opt.dataset.value;
    var x = document.createElement("button"); x.type = "button"; x.className = "chip-x"; x.textContent = "×"; x.setAttribute("aria-label", "移除 " + opt.dataset.label);
    x.addEventListener("click", function () { chip.remove(); });
    chip.appendChild(hidden); chip.appendChild(x); chips.appendChild(chip);
  }
  function choose(p, opt) {
    var inp = input(p);
    if (p.hasAttribute("data-multiple")) { addChip(p, opt); inp.value = ""; }
    else {
      var hidden = p.querySelector("[data-picker-value]");
      hidden.value = opt.dataset.value;
      hidden.dispatchEvent(new Event("change", { bubbles: true }));  // filters that reload on change
      inp.value = opt.dataset.label;
      p.querySelector("[data-picker-chosen]").textContent = opt.dataset.detail || "";
    }
    inp.setCustomValidity("");
    close(p);
    p.dispatchEvent(new CustomEvent("picker:chosen", { bubbles: true, detail: { value: opt.dataset.value, label: opt.dataset.label } }));
  }
  document.addEventListener("keydown", function (e) {
    var inp = e.target.closest && e.target.closest("[data-picker-input]");
    if (!inp) return;
    var p = box(inp), o = opts(p), i = parseInt(p.dataset.active || "-1", 10);
    if (e.key === "ArrowDown") { e.preventDefault(); if (o.length) setActive(p, Math.min(i + 1, o.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); if (o.length) setActive(p, Math.max(i - 1, 0)); }
    else if (e.key === "Enter") {
      if (o.length) { e.preventDefault(); choose(p, o[i >= 0 ? i : 0]); }
      else if (p.hasAttribute("data-multiple") || !p.querySelector("[data-picker-value]").value) { e.preventDefault(); }
    } else if (e.key === "Escape") { if (o.length) { e.preventDefault(); close(p); } }
  });
  document.addEventListener("input", function (e) {
    var inp = e.target.closest && e.target.closest("[data-picker-input]");
    if (!inp) return;
    var p = box(inp);
    if (!p.hasAttribute("data-multiple")) {
      var hidden = p.querySelector("[data-picker-value]");
      var had = hidden.value;
      hidden.value = "";  // typing again discards the earlier choice
      p.querySelector("[data-picker-chosen]").textContent = "";
      if (had && !inp.value) hidden.dispatchEvent(new Event("change", { bubbles: true }));  // cleared: filters widen again
    }
  });
  document.addEventListener("mousedown", function (e) {
    var opt = e.target.closest && e.target.closest("[role=option]");
    var p = box(opt);
    if (!opt || !p) return;
    e.preventDefault();
    choose(p, opt);
  });
  document.addEventListener("focusout", function (e) {
    var inp = e.target.closest && e.target.closest("[data-picker-input]");
    if (!inp) return;
    var p = box(inp);
    setTimeout(function () { if (!p.contains(document.activeElement)) close(p); }, 150);
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var p = box(e.target);
    if (!p || !e.target.classList.contains("picker-list")) return;
    var n = opts(p).length;
    input(p).setAttribute("aria-expanded", n ? "true" : "false");
    setActive(p, n ? 0 : -1);
  });
  document.addEventListener("submit", function (e) {
    var pickers = e.target.querySelectorAll("[data-picker][data-required]");
    for (var k = 0; k < pickers.length; k++) {
      var p = pickers[k];
      var chosen = p.hasAttribute("data-multiple") ? p.querySelector("[data-picker-chips] input") : p.querySelector("[data-picker-value]").value;
      if (!chosen) {
        e.preventDefault();
        var inp = input(p);
        inp.setCustomValidity("请输入后从列表中选择");
        inp.reportValidity();
        inp.focus();
        return;
      }
    }
  }, true);
})();

/* “全部出席” and the like: a button with data-check-all="<name>" ticks every checkbox of that name in its form. */
document.addEventListener("click", function (e) {
  var btn = e.target.closest && e.target.closest("[data-check-all]");
  if (!btn) return;
  var form = btn.closest("form") || document;
  form.querySelectorAll('input[type=checkbox][name="' + btn.dataset.checkAll + '"]').forEach(function (c) { c.checked = true; });
});
