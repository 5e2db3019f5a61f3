/* newsstream news desk: plain JS, no build step, no network beyond the worker itself.
 *
 * Data sources (all on the worker that serves this page):
 *   GET /stats/              processed, dead-lettered, duplicates, all workers (the header)
 *   GET /countries/          distinct stories per country, all workers   (polled + on events;
 *                            ?language=xx when the language filter is set)
 *   GET /trending/           rising countries and categories              (polled; optional)
 *   GET /latest/?limit=50    newest enriched stories of this worker       (on load / reconnect)
 *   GET /country-names/      code -> name (falls back to Intl.DisplayNames, then the code)
 *   EventSource /events/     "story" (an enriched story) and "counts" ({code: n}) events
 *
 * With ?static=1 the page loads each source once, opens no event stream and sets no timer,
 * then marks <body data-ready="true">: a complete snapshot for screenshots and printing.
 */
"use strict";

(() => {
  const CONFIG = {
    countriesEveryMs: 4000,
    trendingEveryMs: 15000,
    latestEveryMs: 15000, // only while the event stream is down
    fetchTimeoutMs: 8000,
    countsGapMs: 1000, // at most one /countries/ request per second from events
    trendingGapMs: 5000,
    maxStories: 50,
    maxBars: 20,
    trendingLimit: 10,
    trendingWindow: "1h",
    bodyClampChars: 420,
  };
  /** ``?static=1``: one complete snapshot, no live connection (screenshots, printing). */
  const SNAPSHOT = !["", "0", "false", null].includes(new URLSearchParams(location.search).get("static"));
  const SVG_NS = "http://www.w3.org/2000/svg";
  const LABELS = { PER: "Person", ORG: "Organisation", LOC: "Place", MISC: "Other" };
  const CATEGORY_LABELS = {
    "arts-culture-entertainment-media": "Arts, culture & media",
    "conflict-war-peace": "Conflict, war & peace",
    "crime-law-justice": "Crime, law & justice",
    "disaster-accident-emergency": "Disasters & emergencies",
    "economy-business-finance": "Economy & business",
    education: "Education",
    environment: "Environment",
    health: "Health",
    "human-interest": "Human interest",
    labour: "Labour",
    "lifestyle-leisure": "Lifestyle & leisure",
    politics: "Politics",
    religion: "Religion",
    "science-technology": "Science & technology",
    society: "Society",
    sport: "Sport",
    weather: "Weather",
  };

  const state = {
    names: {},
    counts: {},
    countsComplete: true,
    countsErrors: [],
    stories: new Map(), // id -> story (at most CONFIG.maxStories, newest kept)
    seen: new Set(), // ids of every story received (bounded, see rememberId)
    arrival: 0,
    sseOpen: false,
    reachable: true,
    language: "", // the language filter of the country counts ("" = all)
  };

  const $ = (id) => document.getElementById(id);
  let regionNames = null;
  try {
    regionNames = new Intl.DisplayNames(["en"], { type: "region" });
  } catch (_e) {
    regionNames = null;
  }

  let languageNames = null;
  try {
    languageNames = new Intl.DisplayNames(["en"], { type: "language" });
  } catch (_e) {
    languageNames = null;
  }

  function languageName(code) {
    if (code === "und") return "undetermined";
    try {
      return (languageNames && languageNames.of(code)) || code;
    } catch (_e) {
      return code;
    }
  }

  /** Offer each language the stories carry in the filter (codes come from the stories). */
  function noteLanguages(stories) {
    const select = $("language-filter");
    const known = new Set([...select.options].map((o) => o.value));
    for (const s of stories) {
      const code = s && typeof s.language === "string" ? s.language : "";
      if (!/^([a-z]{2}|und)$/.test(code) || known.has(code)) continue;
      known.add(code);
      select.append(el("option", { value: code }, `${languageName(code)} (${code})`));
    }
  }

  function countryName(code) {
    if (state.names[code]) return state.names[code];
    if (regionNames && /^[A-Z]{2}$/.test(code)) {
      try {
        const n = regionNames.of(code);
        if (n && n !== code) return n;
      } catch (_e) {
        /* unknown region: fall through */
      }
    }
    return code;
  }
  const categoryName = (slug) => CATEGORY_LABELS[slug] || slug;
  const fmt = (n) => Number(n).toLocaleString("en");

  // ---------------------------------------------------------------- header

  /** The header's cells, in order: ``stat`` reads that field of /stats/ (all workers, since
   * they started); the others are filled from /countries/ or the clock. */
  const KPIS = [
    { id: "total-processed", label: "Processed", stat: "processed", hint: "stories enriched and published" },
    { id: "total-dead-lettered", label: "Dead-lettered", stat: "dead_lettered", hint: "events sent to the dead-letter topic" },
    { id: "total-duplicates", label: "Duplicates", stat: "duplicates", hint: "events of a story already processed (skipped)" },
    { id: "total-near-duplicates", label: "Near-duplicates", stat: "near_duplicates", hint: "stories marked as near-duplicates (published)" },
    { id: "total-countries", label: "Countries", hint: "countries with at least one story" },
    { id: "total-mentions", label: "Country mentions", hint: "sum of the stories per country" },
    { id: "updated-at", label: "Updated", text: "–" },
  ];

  function buildKpis() {
    const list = $("kpis");
    const template = $("kpi-template");
    for (const k of KPIS) {
      const cell = template.content.firstElementChild.cloneNode(true);
      cell.querySelector("dt").textContent = k.label;
      const dd = cell.querySelector("dd");
      dd.id = k.id;
      if (k.hint) cell.title = k.hint;
      if (k.text !== undefined) {
        dd.textContent = k.text;
        delete dd.dataset.count;
      }
      list.append(cell);
    }
  }

  async function loadStats() {
    const r = await fetchJSON("/stats/");
    if (!r.ok || !r.data || typeof r.data !== "object") return;
    const since = r.data.since ? new Date(r.data.since) : null;
    const sinceText = since && !Number.isNaN(since.getTime()) ? `, since ${since.toLocaleString()}` : "";
    const partial = r.data.complete === false;
    for (const k of KPIS) {
      if (!k.stat) continue;
      const dd = $(k.id);
      setCount(dd, Number(r.data[k.stat]) || 0);
      dd.classList.toggle("warn", partial);
      dd.parentElement.title = `${k.hint}: all workers${sinceText}${partial ? " (partial: a worker did not answer)" : ""}`;
    }
    touched();
  }
  const refreshStats = throttled(loadStats, CONFIG.countsGapMs);

  // ---------------------------------------------------------------- helpers

  async function fetchJSON(path) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), CONFIG.fetchTimeoutMs);
    try {
      const r = await fetch(path, { signal: ctl.signal, cache: "no-store", headers: { Accept: "application/json" } });
      let data = null;
      try {
        data = await r.json();
      } catch (_e) {
        data = null;
      }
      return { ok: r.ok, status: r.status, data };
    } catch (e) {
      return { ok: false, status: 0, data: null, error: e };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Call ``fn`` at most once per ``gap`` ms, never concurrently, never dropping the last call. */
  function throttled(fn, gap) {
    let last = 0;
    let timer = null;
    let running = false;
    let again = false;
    const run = async () => {
      timer = null;
      if (running) {
        again = true;
        return;
      }
      running = true;
      last = Date.now();
      try {
        await fn();
      } finally {
        running = false;
        if (again) {
          again = false;
          schedule();
        }
      }
    };
    const schedule = () => {
      if (timer) return;
      timer = setTimeout(run, Math.max(0, last + gap - Date.now()));
    };
    return schedule;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setCount(node, n) {
    node.textContent = fmt(n);
    node.dataset.count = String(n);
  }

  function touched() {
    $("updated-at").textContent = new Date().toLocaleTimeString();
  }

  function setStatus() {
    const s = $("status");
    let st;
    let text;
    if (SNAPSHOT) {
      st = "static";
      text = state.snapshotAt ? `Snapshot of ${state.snapshotAt.toLocaleString()}` : "Taking a snapshot…";
    } else if (!state.reachable) {
      st = "offline";
      text = "Worker unreachable, retrying…";
    } else if (state.sseOpen) {
      st = "live";
      text = "Live";
    } else {
      st = "polling";
      text = `Polling every ${CONFIG.countriesEveryMs / 1000} s (live stream reconnecting)`;
    }
    if (s.dataset.state !== st || $("status-text").textContent !== text) {
      s.dataset.state = st;
      $("status-text").textContent = text;
    }
  }

  // ---------------------------------------------------------------- countries

  async function loadNames() {
    const r = await fetchJSON("/country-names/");
    if (r.ok && r.data && r.data.names) {
      state.names = r.data.names;
      renderCountries(new Set());
      renderStoryCountryNames();
    }
  }

  async function loadCountries() {
    const language = state.language;
    const query = language ? `?language=${encodeURIComponent(language)}` : "";
    const r = await fetchJSON(`/countries/${query}`);
    state.reachable = r.status !== 0;
    setStatus();
    if (!r.ok || !r.data || typeof r.data.counts !== "object") return;
    if (language !== state.language) return; // the filter changed while this was on its way
    const changed = new Set();
    const next = {};
    for (const [k, v] of Object.entries(r.data.counts)) {
      const n = Number(v) || 0;
      next[k] = n;
      if (state.counts[k] !== n) changed.add(k);
    }
    state.counts = next;
    state.countsComplete = r.data.complete !== false;
    state.countsErrors = Array.isArray(r.data.errors) ? r.data.errors : [];
    renderCountries(changed);
    touched();
  }
  const refreshCountries = throttled(loadCountries, CONFIG.countsGapMs);

  /** A "counts" event: this worker's share of the table. Merge, then ask for all of it. */
  function applyCountsEvent(data) {
    if (!data || typeof data !== "object") return;
    if (state.language) {
      refreshCountries(); // the event holds every language's counts: ask for the filtered ones
      return;
    }
    const changed = new Set();
    for (const [k, v] of Object.entries(data)) {
      const n = Number(v) || 0;
      if (state.counts[k] !== n) {
        state.counts[k] = n;
        changed.add(k);
      }
    }
    if (changed.size) {
      renderCountries(changed);
      touched();
    }
    refreshCountries();
  }

  function renderCountries(changed) {
    const entries = Object.entries(state.counts)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const total = entries.reduce((s, [, n]) => s + n, 0);
    setCount($("total-countries"), entries.length);
    setCount($("total-mentions"), total);
    $("countries-empty").hidden = entries.length > 0;

    const note = $("countries-note");
    if (!state.countsComplete) {
      note.textContent = `partial: ${state.countsErrors.length} worker(s) did not answer`;
      note.classList.add("warn");
    } else {
      note.textContent = state.language
        ? `distinct stories in ${languageName(state.language)}, all workers`
        : "distinct stories, all workers";
      note.classList.remove("warn");
    }

    // the chart: horizontal bars, biggest first
    const chart = $("country-chart");
    const shown = entries.slice(0, CONFIG.maxBars);
    const W = 640;
    const rowH = 28;
    const labelW = 178;
    const valueW = 52;
    const barMax = W - labelW - valueW;
    const max = shown.length ? shown[0][1] : 1;
    const H = Math.max(shown.length * rowH, 1);
    chart.setAttribute("viewBox", `0 0 ${W} ${H}`);
    chart.setAttribute("aria-label", `Stories per country: ${shown.length} countries`);
    chart.style.display = shown.length ? "" : "none";

    const existing = new Map();
    for (const g of chart.querySelectorAll("g.bar")) existing.set(g.dataset.country, g);
    const keep = new Set(shown.map(([code]) => code));
    for (const [code, g] of existing) if (!keep.has(code)) g.remove();

    shown.forEach(([code, n], i) => {
      let g = existing.get(code);
      if (!g) {
        g = svg("g", { class: "bar", role: "listitem", "data-country": code });
        g.append(
          svg("title"),
          svg("text", { class: "label", x: 0, y: 18 }),
          svg("rect", { class: "track", x: labelW, y: 5, height: 18, rx: 4, width: barMax }),
          svg("rect", { class: "fill", x: labelW, y: 5, height: 18, rx: 4, width: 0 }),
          svg("text", { class: "value", y: 18 }),
        );
      }
      const name = countryName(code);
      const w = Math.max(2, Math.round((n / max) * barMax));
      g.setAttribute("transform", `translate(0, ${i * rowH})`);
      g.dataset.count = String(n);
      g.setAttribute("aria-label", `${name}: ${n} ${n === 1 ? "story" : "stories"}`);
      g.querySelector("title").textContent = `${name} (${code}): ${n}`;
      const label = g.querySelector("text.label");
      label.textContent = "";
      label.append(document.createTextNode(name.length > 20 ? `${name.slice(0, 19)}…` : name));
      label.append(svg("tspan", { class: "code", dx: 6 }, code));
      const fill = g.querySelector("rect.fill");
      fill.setAttribute("width", String(w));
      fill.style.width = `${w}px`;
      const value = g.querySelector("text.value");
      value.setAttribute("x", String(labelW + w + 6));
      value.textContent = fmt(n);
      if (changed.has(code)) {
        g.classList.remove("changed"); // restart the flash animation on the next frame
        requestAnimationFrame(() => g.classList.add("changed"));
      }
      chart.appendChild(g); // keeps document order = rank order
    });

    const more = $("countries-more");
    more.hidden = entries.length <= shown.length;
    more.textContent = `+ ${entries.length - shown.length} more countries in the table below`;

    const tbody = $("country-table").tBodies[0];
    tbody.textContent = "";
    for (const [code, n] of entries) {
      const tr = el("tr", { "data-country-row": code });
      tr.append(el("td", {}, countryName(code)), el("td", {}, code), el("td", { class: "num" }, fmt(n)));
      tbody.append(tr);
    }
  }

  // ---------------------------------------------------------------- trending

  function windowLabel(w) {
    const m = /^(\d+)s$/.exec(String(w || ""));
    if (!m) return String(w || "");
    const s = Number(m[1]);
    if (s % 86400 === 0) return `${s / 86400} d`;
    if (s % 3600 === 0) return `${s / 3600} h`;
    if (s % 60 === 0) return `${s / 60} min`;
    return `${s} s`;
  }

  async function loadTrending() {
    const q = `window=${encodeURIComponent(CONFIG.trendingWindow)}&limit=${CONFIG.trendingLimit}`;
    const r = await fetchJSON(`/trending/?${q}`);
    if (r.status === 0) return; // unreachable: keep what is shown
    const available = r.ok && r.data && Array.isArray(r.data.countries);
    $("trending-unavailable").hidden = !!available;
    $("trending-body").hidden = !available;
    if (!available) {
      $("trending-unavailable").textContent =
        r.status === 404 ? "Trending is not available on this worker." : `Trending failed (HTTP ${r.status}).`;
      return;
    }
    const d = r.data;
    const waiting = d.window_start ? "Nothing trending yet." : "No dated stories yet.";
    $("trending-countries-empty").textContent = waiting;
    $("trending-categories-empty").textContent = waiting;
    let label = d.window ? `last ${windowLabel(d.window)}` : "";
    if (d.window_start) {
      const t = new Date(d.window_start);
      if (!Number.isNaN(t.getTime())) label += ` · window from ${t.toLocaleString()}`;
    }
    $("trending-window").textContent = label;
    renderRanked($("trending-countries"), $("trending-countries-empty"), d.countries, "trending-country", countryName);
    renderRanked(
      $("trending-categories"),
      $("trending-categories-empty"),
      Array.isArray(d.categories) ? d.categories : [],
      "trending-category",
      categoryName,
    );
  }
  const refreshTrending = throttled(loadTrending, CONFIG.trendingGapMs);

  function renderRanked(list, empty, items, attr, nameOf) {
    list.textContent = "";
    empty.hidden = items.length > 0;
    items.forEach((it, i) => {
      const count = Number(it.count) || 0;
      const score = Number(it.score) || 0;
      const mean = Number(it.mean_previous) || 0;
      const li = el("li", {
        [`data-${attr}`]: it.key,
        "data-count": String(count),
        "data-score": String(score),
        title: `${count} in the current window, ${mean.toFixed(1)} per window before (score ${score.toFixed(2)})`,
      });
      li.append(
        el("span", { class: "rank" }, String(i + 1)),
        el("span", { class: "name" }, nameOf(it.key)),
        el("span", { class: "count" }, fmt(count)),
        el("span", { class: score >= 2 ? "badge hot" : "badge", "aria-label": `score ${score.toFixed(1)}` }, `×${score.toFixed(1)}`),
      );
      list.append(li);
    });
  }

  // ---------------------------------------------------------------- stories

  function rememberId(id) {
    if (state.seen.has(id)) return false;
    state.seen.add(id);
    if (state.seen.size > 20000) {
      // forget the oldest ids; a story that old will not come back from the feed
      const drop = state.seen.size - 15000;
      let i = 0;
      for (const old of state.seen) {
        if (i++ >= drop) break;
        state.seen.delete(old);
      }
    }
    return true;
  }

  function storyTime(s) {
    for (const k of ["enriched_at", "received_at", "published_at"]) {
      const t = Date.parse(s[k]);
      if (!Number.isNaN(t)) return t;
    }
    return 0;
  }

  /** Entities that fit the text, sorted, without overlaps. Offsets are code points. */
  function usableEntities(entities, cps) {
    const out = [];
    let mismatches = 0;
    const list = Array.isArray(entities) ? entities.slice() : [];
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    let cursor = 0;
    for (const e of list) {
      if (!Number.isInteger(e.start) || !Number.isInteger(e.end)) continue;
      if (e.start < cursor || e.end <= e.start || e.end > cps.length) continue;
      const slice = cps.slice(e.start, e.end).join("");
      if (typeof e.text === "string" && e.text !== slice) {
        mismatches += 1;
        continue;
      }
      out.push(e);
      cursor = e.end;
    }
    return { entities: out, mismatches };
  }

  /** Append cps[from:to] to ``node``, entities wrapped in <mark>. */
  function appendHighlighted(node, cps, from, to, entities) {
    let cursor = from;
    for (const e of entities) {
      if (e.start < from || e.end > to) continue;
      if (e.start > cursor) node.append(document.createTextNode(cps.slice(cursor, e.start).join("")));
      const label = LABELS[e.label] ? e.label : "MISC";
      const mark = el("mark", {
        class: `ent ent-${label}`,
        "data-label": label,
        "data-start": String(e.start),
        "data-end": String(e.end),
        "data-country": e.country || undefined,
        title: LABELS[label] + (e.country ? ` · ${countryName(e.country)}` : ""),
      });
      mark.textContent = cps.slice(e.start, e.end).join("");
      node.append(mark);
      cursor = e.end;
    }
    if (cursor < to) node.append(document.createTextNode(cps.slice(cursor, to).join("")));
  }

  function safeUrl(u) {
    try {
      const url = new URL(u);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_e) {
      return null;
    }
  }

  function renderStory(s) {
    const headline = typeof s.headline === "string" && s.headline ? s.headline : null;
    const body = typeof s.body === "string" ? s.body : "";
    const cps = Array.from(headline ? `${headline}\n\n${body}` : body);
    const { entities, mismatches } = usableEntities(s.entities, cps);
    const li = el("li", {
      class: "story",
      "data-story-id": s.id,
      "data-countries": (s.countries || []).join(" "),
      "data-entities": String(entities.length),
      "data-entity-mismatches": mismatches ? String(mismatches) : undefined,
    });
    const article = el("article", { "aria-label": headline || "Story without headline" });
    let bodyStart = 0;
    if (headline) {
      const hLen = Array.from(headline).length;
      const h = el("h3", { class: "headline" });
      appendHighlighted(h, cps, 0, hLen, entities);
      article.append(h);
      bodyStart = hLen + 2;
    }
    const p = el("p", { class: "body" });
    appendHighlighted(p, cps, bodyStart, cps.length, entities);
    article.append(p);
    if (cps.length - bodyStart > CONFIG.bodyClampChars) {
      const btn = el("button", { type: "button", class: "more", "aria-expanded": "false" }, "Show more");
      btn.addEventListener("click", () => {
        const open = li.classList.toggle("expanded");
        btn.setAttribute("aria-expanded", String(open));
        btn.textContent = open ? "Show less" : "Show more";
      });
      article.append(btn);
    }

    const meta = el("div", { class: "meta" });
    const when = s.published_at || s.received_at;
    if (when && !Number.isNaN(Date.parse(when))) {
      meta.append(el("time", { datetime: when }, new Date(when).toLocaleString()));
    }
    if (s.source && s.source !== "unknown") meta.append(el("span", { class: "source" }, s.source));
    if (typeof s.language === "string" && s.language) {
      meta.append(el("span", { class: "chip lang", "data-language": s.language, title: languageName(s.language) }, s.language));
    }
    const cats = Array.isArray(s.categories) ? s.categories : [];
    if (cats.length && cats[0].slug) {
      meta.append(
        el("span", { class: "chip cat", "data-category": cats[0].slug, title: `score ${cats[0].score}` }, categoryName(cats[0].slug)),
      );
    }
    for (const cc of s.countries || []) {
      meta.append(el("span", { class: "chip country", "data-country-chip": cc, title: cc }, countryName(cc)));
    }
    if (s.duplicate_of) meta.append(el("span", { class: "chip dup", title: `near-duplicate of ${s.duplicate_of}` }, "near-duplicate"));
    const href = s.url ? safeUrl(s.url) : null;
    if (href) meta.append(el("a", { href, target: "_blank", rel: "noopener noreferrer" }, "source ↗"));
    article.append(meta);
    li.append(article);
    return li;
  }

  function renderStoryCountryNames() {
    for (const chip of document.querySelectorAll("[data-country-chip]")) {
      chip.textContent = countryName(chip.dataset.countryChip);
    }
  }

  /** Merge stories (any order) into the list; ``fresh`` ones get a short highlight. */
  function addStories(stories, fresh) {
    noteLanguages(stories);
    let added = 0;
    for (const s of stories) {
      if (!s || typeof s.id !== "string" || !s.id) continue;
      const isNew = rememberId(s.id);
      if (state.stories.has(s.id)) continue;
      s._t = storyTime(s);
      s._arrival = ++state.arrival;
      s._fresh = fresh && isNew;
      state.stories.set(s.id, s);
      added += 1;
    }
    if (!added) return;
    const ordered = [...state.stories.values()].sort((a, b) => b._t - a._t || b._arrival - a._arrival);
    for (const old of ordered.slice(CONFIG.maxStories)) state.stories.delete(old.id);
    const list = $("latest-stories");
    const nodes = new Map();
    for (const li of list.children) nodes.set(li.dataset.storyId, li);
    const frag = document.createDocumentFragment();
    for (const s of ordered.slice(0, CONFIG.maxStories)) {
      let li = nodes.get(s.id);
      if (!li) {
        li = renderStory(s);
        if (s._fresh) li.classList.add("fresh");
      }
      frag.append(li);
    }
    list.textContent = "";
    list.append(frag);
    $("latest-empty").hidden = list.children.length > 0;
    renderCategories();
    touched();
  }

  function renderCategories() {
    const counts = new Map();
    for (const s of state.stories.values()) {
      const best = Array.isArray(s.categories) && s.categories.length ? s.categories[0].slug : null;
      if (best) counts.set(best, (counts.get(best) || 0) + 1);
    }
    const entries = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const max = entries.length ? entries[0][1] : 1;
    const list = $("category-list");
    list.textContent = "";
    const empty = $("categories-empty");
    empty.hidden = entries.length > 0;
    empty.textContent = state.stories.size
      ? "The stories received carry no categories."
      : "No stories received yet.";
    for (const [slug, n] of entries) {
      const li = el("li", { "data-category": slug, "data-count": String(n) });
      const head = el("div", { class: "meter-head" });
      head.append(el("span", {}, categoryName(slug)), el("span", { class: "meter-count" }, fmt(n)));
      const meter = el("div", { class: "meter", role: "presentation" });
      const bar = el("span");
      bar.style.width = `${Math.round((n / max) * 100)}%`;
      meter.append(bar);
      li.append(head, meter);
      list.append(li);
    }
  }

  async function loadLatest() {
    const r = await fetchJSON(`/latest/?limit=${CONFIG.maxStories}`);
    if (r.ok && r.data && Array.isArray(r.data.stories)) addStories(r.data.stories, false);
  }

  // ---------------------------------------------------------------- live events

  let source = null;
  function connect() {
    if (!("EventSource" in window)) return;
    source = new EventSource("/events/");
    source.addEventListener("open", () => {
      state.sseOpen = true;
      state.reachable = true;
      setStatus();
      loadLatest(); // whatever happened while we were away
      refreshCountries();
      refreshStats();
    });
    source.addEventListener("error", () => {
      state.sseOpen = false;
      setStatus();
      if (source.readyState === EventSource.CLOSED) {
        // the server refused the stream (e.g. HTTP error): try again later
        source = null;
        setTimeout(connect, 10000);
      }
    });
    source.addEventListener("story", (ev) => {
      let data;
      try {
        data = JSON.parse(ev.data);
      } catch (_e) {
        return;
      }
      addStories([data], true);
      refreshCountries();
      refreshStats();
      refreshTrending();
    });
    source.addEventListener("counts", (ev) => {
      try {
        applyCountsEvent(JSON.parse(ev.data));
      } catch (_e) {
        /* ignore a malformed event */
      }
      refreshTrending();
    });
  }

  // ---------------------------------------------------------------- start

  /** ``?static=1``: every source read once, then ``body[data-ready]``; nothing stays open. */
  async function snapshot() {
    document.documentElement.classList.add("static");
    setStatus();
    await Promise.all([loadNames(), loadStats(), loadCountries(), loadTrending(), loadLatest()]);
    const table = $("country-table").closest("details");
    if (table) table.open = true; // a snapshot shows every country, not only the top bars
    state.snapshotAt = new Date();
    setStatus();
    document.body.dataset.ready = "true";
  }

  function start() {
    buildKpis();
    if (SNAPSHOT) {
      snapshot();
      return;
    }
    setStatus();
    $("language-filter").addEventListener("change", (ev) => {
      state.language = ev.target.value;
      state.counts = {};
      renderCountries(new Set());
      loadCountries();
    });
    loadNames();
    loadStats();
    loadCountries();
    loadTrending();
    loadLatest();
    connect();
    setInterval(() => {
      if (!document.hidden) {
        refreshCountries();
        refreshStats();
      }
    }, CONFIG.countriesEveryMs);
    setInterval(() => {
      if (!document.hidden) refreshTrending();
    }, CONFIG.trendingEveryMs);
    setInterval(() => {
      if (!document.hidden && !state.sseOpen) loadLatest();
    }, CONFIG.latestEveryMs);
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) {
        refreshCountries();
        refreshStats();
        refreshTrending();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
