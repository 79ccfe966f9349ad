// textmill report: draws the document list and one document at a time from the JSON blob.
// Every piece of document text goes through textContent or createTextNode, never innerHTML.
(function () {
  "use strict";
  const root = document.documentElement;
  const $ = (id) => document.getElementById(id);

  function fail(err) {
    root.dataset.reportError = String((err && err.message) || err);
    const box = $("doc");
    if (box) box.replaceChildren(el("p", "report-error", "The report could not be drawn: " +
                                     root.dataset.reportError));
    console.error(err);
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function clip(text, max) { return text.length > max ? text.slice(0, max - 1) + "\u2026" : text; }

  function fmt(v) {
    return typeof v === "number" ? v.toLocaleString("en-US", {maximumFractionDigits: 6}) : "?";
  }

  function numberValue(n) {
    if (n.value === null || n.value === undefined) return "?";
    let v = Array.isArray(n.value) ? fmt(n.value[0]) + "\u2013" + fmt(n.value[1]) : fmt(n.value);
    if (n.kind === "percent") v += "%";
    const unit = n.kind === "percent" && /^(%|percent|per ?cent)$/i.test(n.unit || "") ? null : n.unit;
    if (unit) v = n.kind === "money" ? unit + " " + v : v + " " + unit;
    return v;
  }

  function numberTitle(n) {
    const parts = ["= " + numberValue(n)];
    if (n.kind) parts.push(n.kind);
    if (n.qual) parts.push(n.qual);
    else if (n.approx) parts.push("approximate");
    if (n.counted) parts.push("counts " + n.counted);
    return parts.join(" \u00b7 ");
  }

  let data;
  try {
    data = JSON.parse($("report-data").textContent);
  } catch (err) { fail(err); return; }
  const docs = data.docs;
  const pageSize = data.pageSize || 25;
  const labelColor = (label) => data.labels[label] || {bg: "#eee", fg: "#555"};
  const state = {shown: docs.map((_, i) => i), page: 0, current: -1, timer: 0, query: ""};
  const hay = [];

  function chip(label) {
    const c = labelColor(label);
    const node = el("span", "chip", label);
    node.style.background = c.bg;
    node.style.color = c.fg;
    return node;
  }

  function haystack(i) {
    if (hay[i] === undefined) {
      const d = docs[i];
      const parts = [d.id, d.source || ""];
      d.entities.forEach((e) => parts.push(e.name));
      d.quotes.forEach((q) => { if (q.speaker) parts.push(q.speaker.text); });
      parts.push(d.text);
      hay[i] = parts.join("\n").toLowerCase();
    }
    return hay[i];
  }

  function search(query) {
    state.query = query.trim();
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    state.shown = [];
    docs.forEach((_, i) => {
      if (terms.every((t) => haystack(i).includes(t))) state.shown.push(i);
    });
    state.page = 0;
    drawList();
    if (state.shown.length && !state.shown.includes(state.current)) select(state.shown[0]);
    else saveHash();
  }

  function drawList() {
    const pages = Math.max(1, Math.ceil(state.shown.length / pageSize));
    state.page = Math.min(state.page, pages - 1);
    const first = state.page * pageSize;
    const list = $("docs");
    list.replaceChildren();
    state.shown.slice(first, first + pageSize).forEach((i) => {
      const d = docs[i];
      const button = el("button");
      button.type = "button";
      button.dataset.index = String(i);
      if (i === state.current) button.setAttribute("aria-current", "true");
      button.append(el("span", "id", d.id));
      const counts = el("span", "counts", [plural(d.quotes.length, "quote"),
        plural(d.numbers.length, "number"), plural(d.stances.length, "stance")].join(" \u00b7 "));
      if (d.errors.length) counts.append(" \u00b7 ", el("span", "bad", plural(d.errors.length, "error")));
      button.append(counts);
      button.addEventListener("click", () => select(i, true));
      const item = el("li");
      item.append(button);
      list.append(item);
    });
    $("hits").textContent = state.shown.length === docs.length ? plural(docs.length, "document")
      : state.shown.length + " of " + plural(docs.length, "document");
    $("page").textContent = "page " + (state.page + 1) + " of " + pages;
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
  }

  // -- one document ----------------------------------------------------------------------
  function annotations(d) {
    const out = [];
    d.quotes.forEach((q, qi) => {
      q.spans.forEach((s) => out.push({s: s[0], e: s[1], layer: 0, kind: "quote", q, qi}));
      if (q.speaker && q.speaker.s !== undefined)
        out.push({s: q.speaker.s, e: q.speaker.e, layer: 3, kind: "speaker", q, qi});
      if (q.cue && q.cue.s !== undefined)
        out.push({s: q.cue.s, e: q.cue.e, layer: 3, kind: "cue", q, qi});
    });
    d.entities.forEach((ent) => ent.m.forEach((m) =>
      out.push({s: m[0], e: m[1], layer: 1, kind: "ent", ent})));
    d.numbers.forEach((n) => out.push({s: n.s, e: n.e, layer: 2, kind: "num", n}));
    return out;
  }

  function makeNode(a, view) {
    let node;
    if (a.kind === "quote") {
      node = el("span", "quote " + a.q.kind);
      const who = a.q.speaker ? a.q.speaker.text : "no speaker found";
      node.title = a.q.kind + " quote \u00b7 " + who;
      node.addEventListener("click", () => view.pickQuote(a.qi, false));
    } else if (a.kind === "ent") {
      node = el("mark", "ent");
      const c = labelColor(a.ent.label);
      node.style.setProperty("--bg-c", c.bg);
      node.style.setProperty("--fg-c", c.fg);
      node.title = a.ent.label + " \u00b7 " + a.ent.name;
      node.addEventListener("click", (ev) => { ev.stopPropagation(); view.focusEntity(a.ent.id); });
    } else if (a.kind === "num") {
      node = el("span", "num");
      node.title = numberTitle(a.n);
    } else if (a.kind === "speaker") {
      node = el("span", "speaker");
      node.title = "speaker of a quote";
    } else {
      node = el("span", "cue");
      node.title = "cue: " + (a.q.cue.lemma || a.q.cue.text);
    }
    (a.nodes = a.nodes || []).push(node);
    const key = a.kind === "ent" ? "e:" + a.ent.id : a.kind === "num" ? "n:" + a.n.id
      : a.kind + ":" + a.qi;
    (view.nodes[key] = view.nodes[key] || []).push(node);
    return node;
  }

  // Nest the marks; where two cross, close and reopen the inner one so the tree stays valid.
  function annotate(container, text, anns, view) {
    const starts = new Map(), ends = new Map(), points = new Set([0, text.length]);
    const add = (map, key, a) => { if (!map.has(key)) map.set(key, []); map.get(key).push(a); };
    anns.forEach((a) => { add(starts, a.s, a); add(ends, a.e, a); points.add(a.s); points.add(a.e); });
    const order = (x, y) => x.layer - y.layer || (y.e - y.s) - (x.e - x.s);
    const sorted = Array.from(points).sort((x, y) => x - y);
    const stack = [{node: container, a: null}];
    sorted.forEach((p, i) => {
      const ending = ends.get(p) || [];
      let reopen = [];
      if (ending.length) {
        let low = stack.length;
        ending.forEach((a) => { const at = stack.findIndex((x) => x.a === a); if (at > 0) low = Math.min(low, at); });
        while (stack.length > low) {
          const top = stack.pop();
          if (!ending.includes(top.a)) reopen.push(top.a);
        }
      }
      reopen = reopen.concat(starts.get(p) || []).sort(order);
      reopen.forEach((a) => {
        const node = makeNode(a, view);
        stack[stack.length - 1].node.append(node);
        stack.push({node, a});
      });
      const next = sorted[i + 1];
      if (next !== undefined && next > p)
        stack[stack.length - 1].node.append(document.createTextNode(text.slice(p, next)));
    });
  }

  function flash(nodes, scroll) {
    if (!nodes || !nodes.length) return;
    if (scroll) nodes[0].scrollIntoView({block: "center", behavior: "smooth"});
    nodes.forEach((n) => n.classList.add("hl"));
    setTimeout(() => nodes.forEach((n) => n.classList.remove("hl")), 1600);
  }

  function quoteWords(d, q) {
    return q.spans.length ? q.spans.map((s) => d.text.slice(s[0], s[1])).join(" \u2026 ") : q.text || "";
  }

  function section(side, title, count) {
    const box = el("section");
    box.append(el("h4", null, count === undefined ? title : title + " (" + count + ")"));
    side.append(box);
    return box;
  }

  function missing(box, d, key, word) {
    box.append(el("p", "empty", d.has.includes(key) ? "No " + word + " found."
      : "No " + word + " in this record (its pipeline had no such step)."));
  }

  function entityButton(view, entityId, text) {
    if (!entityId || !view.byId[entityId]) return el("span", "who", text);
    const b = el("button", "link", text);
    b.type = "button";
    b.title = "Highlight every mention";
    b.addEventListener("click", (ev) => { ev.stopPropagation(); view.focusEntity(entityId); });
    return b;
  }

  function drawQuotes(side, d, view) {
    const box = section(side, "Quotes", d.quotes.length);
    if (!d.quotes.length) return missing(box, d, "quotes", "quotes");
    const list = el("ol");
    d.quotes.forEach((q, qi) => {
      const item = el("li", "item clickable");
      const head = el("div");
      head.append(q.speaker ? entityButton(view, q.speaker.entity, q.speaker.text)
        : el("span", "small", "no speaker found"));
      head.append(el("span", "small", " \u00b7 " + q.kind + (q.cue ? " \u00b7 " + q.cue.text : "")));
      item.append(head, el("p", "words", "\u201c" + clip(quoteWords(d, q), 400) + "\u201d"));
      item.addEventListener("click", () => view.pickQuote(qi, true));
      view.quoteItems[qi] = item;
      list.append(item);
    });
    box.append(list);
  }

  function drawStances(side, d, view) {
    const box = section(side, "Stances", d.stances.length);
    if (!d.stances.length) return missing(box, d, "stances", "stances");
    const qIndex = {};
    d.quotes.forEach((q, qi) => { qIndex[q.id] = qi; });
    const list = el("ol");
    d.stances.forEach((st) => {
      const item = el("li", "item");
      const head = el("div");
      const badge = el("span", "badge", st.label);
      badge.style.background = data.stanceColors[st.label];
      head.append(entityButton(view, st.h.entity, st.h.text), badge,
                  entityButton(view, st.t.entity, st.t.text));
      if (st.score !== null) head.append(el("span", "small", " score " + st.score.toFixed(2)));
      item.append(head);
      st.ev.forEach((ev) => {
        const quote = el("blockquote", "evidence", clip(d.text.slice(ev.s, ev.e), 320));
        if (ev.quote && qIndex[ev.quote] !== undefined) {
          quote.classList.add("clickable");
          quote.title = "Show quote " + ev.quote + " in the text";
          quote.addEventListener("click", () => view.pickQuote(qIndex[ev.quote], true));
        }
        item.append(quote);
      });
      list.append(item);
    });
    box.append(list);
  }

  function drawNumbers(side, d, view) {
    const box = section(side, "Numbers", d.numbers.length);
    if (!d.numbers.length) return missing(box, d, "numbers", "numbers");
    const table = el("table", "nums");
    d.numbers.forEach((n) => {
      const row = el("tr");
      const details = [n.kind, n.qual || (n.approx ? "approximate" : ""), n.counted ? "of " + n.counted : ""];
      row.append(el("td", null, d.text.slice(n.s, n.e)), el("td", "v", numberValue(n)),
                 el("td", "small", details.filter(Boolean).join(", ")));
      row.style.cursor = "pointer";
      row.addEventListener("click", () => flash(view.nodes["n:" + n.id], true));
      table.append(row);
    });
    box.append(table);
  }

  function drawEntities(side, d, view) {
    const box = section(side, "Entities", d.entities.length);
    if (!d.entities.length) return missing(box, d, "entities", "entities");
    const list = el("ul", "entlist");
    d.entities.slice().sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
      .forEach((ent) => {
        const item = el("li");
        item.append(chip(ent.label), entityButton(view, ent.id, ent.name),
                    el("span", "small", "\u00d7" + ent.count));
        list.append(item);
      });
    box.append(list);
  }

  function drawHeader(box, d) {
    box.append(el("h3", null, d.id));
    if (d.source) box.append(el("p", "source", d.source));
    Object.keys(d.meta).forEach((k) => {
      const line = el("p", "meta");
      line.append(el("b", null, k + ": "), d.meta[k]);
      box.append(line);
    });
    if (d.other.length) box.append(el("p", "meta", "Other results: " + d.other.join(", ")));
    if (d.errors.length || d.dropped) {
      const errs = el("div", "errors");
      d.errors.forEach((e) => errs.append(el("p", null,
        [e.step, e.type].filter(Boolean).join(" \u00b7 ") + (e.step || e.type ? ": " : "") + e.message)));
      if (d.dropped) errs.append(el("p", null, plural(d.dropped, "malformed item") + " skipped."));
      box.append(errs);
    }
  }

  function drawLegend(box, d) {
    const legend = el("div", "legend");
    const labels = Array.from(new Set(d.entities.map((e) => e.label))).sort();
    labels.forEach((l) => legend.append(chip(l)));
    legend.append(el("span", "lg-quote", "quote"), el("span", "lg-speaker", "speaker"),
                  el("span", "lg-num", "number (hover: value)"));
    box.append(legend);
  }

  function drawDoc(i) {
    const d = docs[i];
    const box = $("doc");
    box.replaceChildren();
    const view = {nodes: {}, quoteItems: [], byId: {}, focused: null};
    d.entities.forEach((e) => { view.byId[e.id] = e; });
    drawHeader(box, d);
    drawLegend(box, d);
    const grid = el("div", "doc-grid");
    const text = el("div", "doctext");
    const side = el("aside", "side");
    view.focusEntity = (id) => {
      (view.nodes["e:" + view.focused] || []).forEach((n) => n.classList.remove("focus"));
      view.focused = view.focused === id ? null : id;
      text.classList.toggle("focusing", view.focused !== null);
      (view.nodes["e:" + view.focused] || []).forEach((n) => n.classList.add("focus"));
      if (view.focused) flash(view.nodes["e:" + id], false);
    };
    view.pickQuote = (qi, scroll) => {
      view.quoteItems.forEach((it, k) => it.classList.toggle("active", k === qi));
      flash(view.nodes["quote:" + qi], scroll);
      flash(view.nodes["speaker:" + qi], false);
      if (!scroll && view.quoteItems[qi]) view.quoteItems[qi].scrollIntoView({block: "nearest"});
    };
    annotate(text, d.text, annotations(d), view);
    if (!d.text) text.append(el("p", "empty", "This record has no text."));
    drawQuotes(side, d, view);
    drawStances(side, d, view);
    drawNumbers(side, d, view);
    drawEntities(side, d, view);
    grid.append(text, side);
    box.append(grid);
    box.dataset.docIndex = String(i);
  }

  function select(i, scroll) {
    state.current = i;
    drawDoc(i);
    const at = state.shown.indexOf(i);
    if (at >= 0) state.page = Math.floor(at / pageSize);
    drawList();
    saveHash();
    if (scroll && $("doc").getBoundingClientRect().top < 0) $("doc").scrollIntoView();
  }

  // The hash (#q=...&doc=...) makes a search or a document shareable as a link.
  function saveHash() {
    const params = new URLSearchParams();
    if (state.query) params.set("q", state.query);
    if (state.current >= 0) params.set("doc", docs[state.current].id);
    try { history.replaceState(null, "", "#" + params.toString()); }
    catch (e) { /* some local-file origins refuse; the page works without it */ }
  }

  function step(delta) {
    const at = state.shown.indexOf(state.current) + delta;
    if (at >= 0 && at < state.shown.length) select(state.shown[at], true);
  }

  function wire() {
    $("search").addEventListener("input", (ev) => {
      clearTimeout(state.timer);
      state.timer = setTimeout(() => search(ev.target.value), 150);
    });
    $("prev").addEventListener("click", () => { state.page -= 1; drawList(); });
    $("next").addEventListener("click", () => { state.page += 1; drawList(); });
    document.querySelectorAll(".pick").forEach((b) => b.addEventListener("click", () => {
      $("search").value = b.dataset.search;
      search(b.dataset.search);
      $("search").scrollIntoView({behavior: "smooth"});
    }));
    document.addEventListener("keydown", (ev) => {
      if (ev.target.tagName === "INPUT" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key === "j") step(1);
      else if (ev.key === "k") step(-1);
      else if (ev.key === "/") { ev.preventDefault(); $("search").focus(); }
    });
  }

  try {
    wire();
    const params = new URLSearchParams(location.hash.slice(1));
    const query = params.get("q") || "";
    const wanted = docs.findIndex((d) => d.id === params.get("doc"));
    if (query) { $("search").value = query; search(query); }
    if (wanted >= 0) select(wanted, false);
    else if (state.current < 0 && docs.length) select(state.shown.length ? state.shown[0] : 0, false);
    else drawList();
    if (!docs.length) $("doc").replaceChildren(el("p", "empty", "The results hold no documents."));
    root.dataset.reportReady = "1";
    root.dataset.readyMs = String(Math.round(performance.now()));  // for the benchmark
  } catch (err) { fail(err); }
})();
