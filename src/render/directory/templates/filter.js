(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("partners");
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");
  if (!form || !list || !count) return;
  var items = [];
  var lis = list.children;
  for (var i = 0; i < lis.length; i++) {
    var facets = {};
    try { facets = JSON.parse(lis[i].getAttribute("data-facets") || "{}"); } catch (e) {}
    items.push({ el: lis[i], f: facets, q: lis[i].getAttribute("data-search") || "" });
  }
  var selects = form.querySelectorAll("select");
  var search = document.getElementById("q");
  function apply() {
    var want = [];
    for (var s = 0; s < selects.length; s++) {
      if (selects[s].value !== "") want.push([selects[s].name, selects[s].value]);
    }
    var terms = search ? search.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var shown = 0;
    for (var k = 0; k < items.length; k++) {
      var it = items[k], ok = true, j;
      for (j = 0; ok && j < want.length; j++) {
        var vals = it.f[want[j][0]];
        ok = !!vals && vals.indexOf(want[j][1]) >= 0;
      }
      for (j = 0; ok && j < terms.length; j++) ok = it.q.indexOf(terms[j]) >= 0;
      if (it.el.hidden === ok) it.el.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = String(shown);
    if (empty) empty.hidden = shown > 0;
    keepInUrl(want, search ? search.value.trim() : "");
  }
  // The filter state lives in the query string, so a filtered view can be shared and bookmarked.
  function keepInUrl(want, q) {
    var params = new URLSearchParams();
    for (var i = 0; i < want.length; i++) params.set(want[i][0], want[i][1]);
    if (q) params.set("q", q);
    var qs = params.toString();
    try {
      history.replaceState(null, "", qs ? "?" + qs : window.location.pathname);
    } catch (e) {}
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  var params = new URLSearchParams(window.location.search);
  for (var p = 0; p < selects.length; p++) {
    var v = params.get(selects[p].name);
    if (v !== null) selects[p].value = v;
  }
  if (search && params.get("q") !== null) search.value = params.get("q");
  form.hidden = false;
  apply();
})();
