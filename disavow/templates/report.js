/* The domain table of report.html: search, decision filter, sorting, pages.
   Included verbatim in the page's script element. Vanilla JavaScript, no libraries.
   Every value from the data is written with textContent, never as HTML. */
(function () {
  "use strict";
  var source = document.getElementById("domain-data");
  var body = document.getElementById("domain-rows");
  if (!source || !body) { return; }
  var data = JSON.parse(source.textContent);
  var REASONS = data.reasons;
  var ROWS = data.rows; // [domain, decision, score, links, [reason], [sample], free host, first seen]
  var DECISIONS = ["disavow", "review", "keep", "unknown"];
  var LABELS = ["Disavow", "Review", "Keep", "Unknown"];

  var textBox = document.getElementById("filter-text");
  var decisionBox = document.getElementById("filter-decision");
  var sizeBox = document.getElementById("page-size");
  var status = document.getElementById("table-status");
  var prev = document.getElementById("page-prev");
  var next = document.getElementById("page-next");
  var pageInfo = document.getElementById("page-info");
  var headers = document.querySelectorAll("#domain-table thead th[data-key]");

  // Lower-case search text per row, built once.
  var haystack = ROWS.map(function (row) {
    var parts = [row[0]];
    row[4].forEach(function (i) { parts.push(REASONS[i]); });
    return parts.concat(row[5]).join("\n").toLowerCase();
  });

  // Counts per decision, shown in the decision filter.
  var counts = [0, 0, 0, 0];
  ROWS.forEach(function (row) { counts[row[1]] += 1; });
  Array.prototype.forEach.call(decisionBox.options, function (option) {
    var index = DECISIONS.indexOf(option.value);
    if (index >= 0) { option.textContent = LABELS[index] + " (" + counts[index].toLocaleString("en") + ")"; }
  });

  var state = { text: "", decision: "all", key: "decision", dir: 1, page: 0, size: 100 };
  var order = ROWS.map(function (_, i) { return i; }); // the data comes in the default order
  var visible = order;

  function numberOrder(a, b, dir) {
    // Missing numbers always go last, whatever the direction.
    if (a === null && b === null) { return 0; }
    if (a === null) { return 1; }
    if (b === null) { return -1; }
    return (a - b) * dir;
  }

  function compare(key, dir) {
    if (key === "domain") {
      return function (i, j) {
        var a = ROWS[i][0], b = ROWS[j][0];
        return (a < b ? -1 : a > b ? 1 : 0) * dir || i - j;
      };
    }
    if (key === "score") {
      return function (i, j) { return numberOrder(ROWS[i][2], ROWS[j][2], dir) || i - j; };
    }
    if (key === "links") {
      return function (i, j) { return numberOrder(ROWS[i][3], ROWS[j][3], dir) || i - j; };
    }
    // decision: disavow, review, keep (reversed when descending), then by score, high first
    return function (i, j) {
      return (ROWS[i][1] - ROWS[j][1]) * dir || numberOrder(ROWS[i][2], ROWS[j][2], -1) || i - j;
    };
  }

  function sortRows() {
    order = ROWS.map(function (_, i) { return i; });
    order.sort(compare(state.key, state.dir));
    headers.forEach(function (th) {
      if (th.getAttribute("data-key") === state.key) {
        th.setAttribute("aria-sort", state.dir === 1 ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }

  function filterRows() {
    var text = state.text;
    var wanted = state.decision === "all" ? -1 : DECISIONS.indexOf(state.decision);
    visible = order.filter(function (i) {
      if (wanted >= 0 && ROWS[i][1] !== wanted) { return false; }
      return !text || haystack[i].indexOf(text) !== -1;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function list(className, items) {
    var ul = el("ul", className);
    items.forEach(function (item) { ul.appendChild(el("li", null, item)); });
    return ul;
  }

  function renderRow(row) {
    var decision = DECISIONS[row[1]] || "unknown";
    var tr = el("tr", "row-" + decision);

    var domain = el("td", "domain");
    domain.appendChild(el("span", "name", row[0]));
    if (row[6] || row[7]) {
      var sub = el("span", "sub");
      if (row[6]) { sub.appendChild(el("span", "tag", "free host")); }
      if (row[7]) { sub.appendChild(document.createTextNode("first seen " + row[7])); }
      domain.appendChild(sub);
    }
    tr.appendChild(domain);

    var badge = el("td");
    badge.appendChild(el("span", "badge " + decision, LABELS[row[1]] || "Unknown"));
    tr.appendChild(badge);

    var score = el("td", "num");
    score.appendChild(el("span", "score", row[2] === null ? "—" : row[2].toFixed(2)));
    var meter = el("span", "meter");
    var fill = el("span", "fill " + decision);
    fill.style.width = (row[2] === null ? 0 : Math.max(0, Math.min(1, row[2])) * 100).toFixed(1) + "%";
    meter.appendChild(fill);
    score.appendChild(meter);
    tr.appendChild(score);

    tr.appendChild(el("td", "num", row[3] === null ? "—" : row[3].toLocaleString("en")));

    var reasons = el("td");
    if (row[4].length) { reasons.appendChild(list("reasons", row[4].map(function (i) { return REASONS[i]; }))); }
    tr.appendChild(reasons);

    var samples = el("td");
    if (row[5].length) { samples.appendChild(list("samples", row[5])); }
    tr.appendChild(samples);
    return tr;
  }

  function render() {
    var pages = Math.max(1, Math.ceil(visible.length / state.size));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * state.size;
    var end = Math.min(visible.length, start + state.size);
    var fragment = document.createDocumentFragment();
    for (var k = start; k < end; k++) { fragment.appendChild(renderRow(ROWS[visible[k]])); }
    body.replaceChildren(fragment);

    var total = ROWS.length.toLocaleString("en");
    var shown = visible.length.toLocaleString("en");
    if (!visible.length) {
      status.textContent = "No domain matches. " + total + " domains in total.";
    } else {
      status.textContent = "Showing " + (start + 1).toLocaleString("en") + "–" + end.toLocaleString("en") +
        " of " + shown + (visible.length === ROWS.length ? " domains." : " matching domains (" + total + " in total).");
    }
    pageInfo.textContent = "Page " + (state.page + 1).toLocaleString("en") + " of " + pages.toLocaleString("en");
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    document.getElementById("pager").hidden = pages <= 1;
  }

  function update(resort) {
    if (resort) { sortRows(); }
    filterRows();
    render();
  }

  var timer = null;
  textBox.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      state.text = textBox.value.trim().toLowerCase();
      state.page = 0;
      update(false);
    }, ROWS.length > 5000 ? 150 : 0);
  });
  decisionBox.addEventListener("change", function () {
    state.decision = decisionBox.value;
    state.page = 0;
    update(false);
  });
  sizeBox.addEventListener("change", function () {
    state.size = parseInt(sizeBox.value, 10) || 100;
    state.page = 0;
    render();
  });
  prev.addEventListener("click", function () { state.page -= 1; render(); });
  next.addEventListener("click", function () { state.page += 1; render(); });
  headers.forEach(function (th) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      if (state.key === key) {
        state.dir = -state.dir;
      } else {
        state.key = key;
        // Numbers start high, names start at A, decisions start with disavow.
        state.dir = key === "score" || key === "links" ? -1 : 1;
      }
      state.page = 0;
      update(true);
    });
  });

  // A browser restoring form values after a reload should not leave a stale view.
  textBox.value = "";
  decisionBox.value = "all";
  sizeBox.value = "100";
  document.getElementById("controls").hidden = false;
  update(true);
}());
