#pragma once
// The flame graph's embedded script (zoom, reset, search, details line).

namespace ior::flamegraph {

inline constexpr const char* kSvgScript = R"JS(
"use strict";
var svg, frames, details, matched, unzoomBtn, W, XPAD, all;
function init() {
  svg = document.documentElement;
  frames = document.getElementById("frames");
  details = document.getElementById("details");
  matched = document.getElementById("matched");
  unzoomBtn = document.getElementById("unzoom");
  W = +svg.getAttribute("data-width");
  XPAD = +svg.getAttribute("data-xpad");
  all = Array.prototype.slice.call(frames.querySelectorAll("g.f"));
  frames.addEventListener("click", function (e) {
    var g = e.target.closest("g.f");
    if (g) zoom(g);
  });
  frames.addEventListener("mouseover", function (e) {
    var g = e.target.closest("g.f");
    if (g) details.textContent = g.querySelector("title").textContent;
  });
  frames.addEventListener("mouseout", function () { details.textContent = " "; });
  unzoomBtn.addEventListener("click", unzoom);
  document.getElementById("search").addEventListener("click", askSearch);
  window.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { unzoom(); search(""); }
    else if ((e.ctrlKey || e.metaKey) && e.key === "f") { e.preventDefault(); askSearch(); }
  });
}
function num(g, a) { return +g.getAttribute(a); }
function fit(name, w) {
  var chars = Math.floor((w - 6) / 7);
  if (chars < 3) return "";
  return name.length <= chars ? name : name.substring(0, chars - 2) + "..";
}
function place(g, x, w) {
  var r = g.querySelector("rect"), t = g.querySelector("text");
  r.setAttribute("x", x.toFixed(2));
  r.setAttribute("width", Math.max(0, w).toFixed(2));
  t.setAttribute("x", (x + 3).toFixed(2));
  t.textContent = fit(g.getAttribute("data-n"), w);
}
function zoom(node) {
  var x0 = num(node, "data-x"), w0 = num(node, "data-w"), d0 = num(node, "data-d");
  var full = W - 2 * XPAD, scale = full / w0, eps = 1e-6;
  all.forEach(function (g) {
    var x = num(g, "data-x"), w = num(g, "data-w"), d = num(g, "data-d");
    var inside = x >= x0 - eps && x + w <= x0 + w0 + eps;
    var above = x <= x0 + eps && x + w >= x0 + w0 - eps;
    if (d >= d0 && inside) { place(g, XPAD + (x - x0) * scale, w * scale); g.style.display = ""; }
    else if (d < d0 && above) { place(g, XPAD, full); g.style.display = ""; }
    else { g.style.display = "none"; }
  });
  unzoomBtn.style.opacity = "1";
}
function unzoom() {
  all.forEach(function (g) { place(g, XPAD + num(g, "data-x"), num(g, "data-w")); g.style.display = ""; });
  unzoomBtn.style.opacity = "0.1";
}
function askSearch() {
  var term = window.prompt("Search for (regular expression):", "");
  if (term !== null) search(term);
}
function search(term) {
  var re = null;
  if (term !== "") {
    try { re = new RegExp(term); } catch (e) { matched.textContent = "invalid regular expression"; return; }
  }
  var hits = [];
  all.forEach(function (g) {
    var r = g.querySelector("rect");
    if (re && re.test(g.getAttribute("data-n"))) { r.setAttribute("fill", "rgb(230,0,230)"); hits.push(g); }
    else { r.setAttribute("fill", g.getAttribute("data-c")); }
  });
  if (!re) { matched.textContent = " "; return; }
  hits.sort(function (a, b) { return num(a, "data-x") - num(b, "data-x"); });
  var covered = 0, end = -1;
  hits.forEach(function (g) {
    var x = num(g, "data-x"), w = num(g, "data-w");
    if (x >= end) { covered += w; end = x + w; }
    else if (x + w > end) { covered += x + w - end; end = x + w; }
  });
  matched.textContent = "Matched: " + (100 * covered / (W - 2 * XPAD)).toFixed(1) + "%";
}
)JS";

}  // namespace ior::flamegraph
