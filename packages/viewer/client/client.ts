/// <reference lib="dom" />
/**
 * The report page's script, written as plain functions that run in the browser: the page
 * inlines their source text (`Function.prototype.toString` of the transpiled functions, see
 * {@linkcode clientScript}), so they may use only each other and the DOM, never imports or
 * module-level values. Data is read from `<script type="application/json">` blocks and put on
 * the page with `textContent` and element properties only: no text is ever parsed as HTML.
 * The data's types come from `sample_data.ts` (a type import leaves nothing in the source).
 *
 * @module
 */
import type {
  BenchmarkSamples as ClientBench,
  ModelAnswers as ClientModel,
} from "../render/sample_data.ts";

/** What the sample browser shows. */
interface BrowserState {
  bench: number;
  a: number;
  b: number;
  filter: string;
  category: string;
  q: string;
  page: number;
}

/** Rows per page of the sample browser. */
function pageSize(): number {
  return 50;
}

/** The parsed content of a `<script type="application/json">` block, or undefined. */
function readJson(id: string): unknown {
  const block = document.getElementById(id);
  return block ? JSON.parse(block.textContent ?? "null") : undefined;
}

/** An element with a class and text. */
function el(tag: string, className?: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The leaderboard's columns sort on a click of their header, descending first. */
function setupLeaderboardSort(): void {
  const table = document.getElementById("leaderboard");
  if (!table) return;
  const body = table.querySelector("tbody")!;
  let last = -1;
  let descending = true;
  for (const button of table.querySelectorAll<HTMLButtonElement>("thead button[data-col]")) {
    button.addEventListener("click", () => {
      const col = Number(button.dataset.col);
      descending = col === last ? !descending : col !== 0;
      last = col;
      const rows = [...body.querySelectorAll<HTMLTableRowElement>("tr")];
      const key = (row: HTMLTableRowElement): string | number => {
        const cell = row.children[col] as HTMLElement;
        if (col === 0) return cell.textContent ?? "";
        const v = cell.dataset.value;
        return v === undefined || v === "" ? NaN : Number(v);
      };
      rows.sort((x, y) => {
        const kx = key(x);
        const ky = key(y);
        if (typeof kx === "number" && typeof ky === "number") {
          if (Number.isNaN(kx) !== Number.isNaN(ky)) return Number.isNaN(kx) ? 1 : -1;
          return descending ? ky - kx : kx - ky;
        }
        return descending
          ? String(ky).localeCompare(String(kx))
          : String(kx).localeCompare(String(ky));
      });
      for (const row of rows) body.appendChild(row);
      for (const other of table.querySelectorAll("thead th")) other.removeAttribute("aria-sort");
      button.parentElement!.setAttribute("aria-sort", descending ? "descending" : "ascending");
    });
  }
}

/** What a model answered at row `k`, for comparing two models. */
function answerKey(m: ClientModel, k: number): string | null {
  const pred = m.pred[k];
  if (pred === null) return null;
  return (m.ext[k] !== "" ? m.ext[k] : pred).trim();
}

/** Row positions that pass the browser's filters, in row order. */
function visibleRows(data: ClientBench, s: BrowserState): number[] {
  const a = data.models[s.a];
  const b = s.b >= 0 ? data.models[s.b] : undefined;
  const q = s.q.trim().toLowerCase();
  const out: number[] = [];
  for (let k = 0; k < data.index.length; k++) {
    if (s.category !== "" && data.category[k] !== s.category) continue;
    if (a) {
      if (s.filter === "answered" && a.pred[k] === null) continue;
      const failed = a.fail[k] === 1;
      const hit = a.hit[k];
      if (s.filter === "wrong" && !(failed || hit === 0)) continue;
      if (s.filter === "right" && !(hit !== null && hit > 0 && !failed)) continue;
      if (s.filter === "failed" && !failed) continue;
      if (s.filter === "disagree") {
        const ka = answerKey(a, k);
        const kb = b ? answerKey(b, k) : null;
        if (ka === null || kb === null || ka === kb) continue;
      }
    }
    if (q !== "") {
      const texts = [data.index[k], data.question[k], data.options[k], data.answer[k]];
      for (const m of [a, b]) if (m) texts.push(m.pred[k] ?? "", m.ext[k]);
      if (!texts.some((t) => t.toLowerCase().includes(q))) continue;
    }
    out.push(k);
  }
  return out;
}

/** A model's answer at row `k` as a table cell. */
function answerCell(m: ClientModel | undefined, k: number): HTMLElement {
  const td = el("td", "answer");
  if (!m) return td;
  const pred = m.pred[k];
  if (pred === null) {
    td.appendChild(el("span", "muted", "no answer"));
    return td;
  }
  const hit = m.hit[k];
  const verdict = m.fail[k] === 1
    ? el("span", "badge bad", "failed")
    : hit === null
    ? el("span", "badge", "not scored")
    : el(
      "span",
      hit > 0 ? "badge good" : "badge bad",
      hit >= 1 ? "✓ hit" : hit > 0 ? `${hit}` : "✗ miss",
    );
  td.appendChild(verdict);
  if (m.ext[k] !== "") td.appendChild(el("span", "extracted", ` → ${m.ext[k]}`));
  if (m.method[k] !== "") td.appendChild(el("span", "method", ` (${m.method[k]})`));
  td.appendChild(el("pre", m.fail[k] === 1 ? "pred failure" : "pred", pred));
  if (m.log[k] !== "") {
    const details = el("details");
    details.appendChild(el("summary", undefined, "log"));
    details.appendChild(el("pre", "log", m.log[k]));
    td.appendChild(details);
  }
  return td;
}

/** The page's thumbnails: JPEG sheets, and each thumbnail's `[sheet, x, y, w, h]` in them. */
interface ClientImages {
  sheets: string[];
  thumbs: [number, number, number, number, number][];
}

/** A row's images or frames: inlined thumbnails (clipped from their sheet), or file links. */
function mediaCell(refs: (number | string)[], images: () => ClientImages): HTMLElement {
  const td = el("td", "media");
  for (const ref of refs.slice(0, 8)) {
    const img = document.createElement("img");
    img.loading = "lazy";
    if (typeof ref === "string") {
      img.alt = `image ${ref}`;
      img.title = ref;
      img.src = ref;
      td.appendChild(img);
      continue;
    }
    const place = images().thumbs[ref];
    if (!place) continue;
    const [sheet, x, y, w, h] = place;
    const frame = el("span", refs.length > 1 ? "thumb small" : "thumb");
    frame.style.width = `${w}px`;
    frame.style.height = `${h}px`;
    img.alt = "thumbnail";
    img.src = images().sheets[sheet] ?? "";
    img.style.marginLeft = `${-x}px`;
    img.style.marginTop = `${-y}px`;
    frame.appendChild(img);
    td.appendChild(frame);
  }
  if (refs.length > 8) td.appendChild(el("span", "muted", `+${refs.length - 8}`));
  return td;
}

/** A `<select>`'s options: [value, label] pairs, the current value kept when still offered. */
function fillSelect(select: HTMLSelectElement, options: [string, string][], value: string): void {
  select.replaceChildren(...options.map(([v, label]) => {
    const option = document.createElement("option");
    option.value = v;
    option.textContent = label;
    return option;
  }));
  select.value = options.some(([v]) => v === value) ? value : options[0]?.[0] ?? "";
}

/** Wires the sample browser: controls, paging, and the links that open it filtered. */
function setupSamples(): void {
  const root = document.getElementById("samples");
  const names = readJson("data-benchmarks") as string[] | undefined;
  if (!root || !names || names.length === 0) return;
  const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const benchSel = byId<HTMLSelectElement>("s-bench");
  const aSel = byId<HTMLSelectElement>("s-model-a");
  const bSel = byId<HTMLSelectElement>("s-model-b");
  const filterSel = byId<HTMLSelectElement>("s-filter");
  const catSel = byId<HTMLSelectElement>("s-category");
  const search = byId<HTMLInputElement>("s-search");
  const body = byId<HTMLTableSectionElement>("s-rows");
  const count = byId<HTMLElement>("s-count");
  const cache = new Map<number, ClientBench>();
  let imageTable: ClientImages | undefined;
  const images = () =>
    imageTable ??= (readJson("data-images") as ClientImages | undefined) ??
      { sheets: [], thumbs: [] };
  // b: -2 picks the second model, if any, when a benchmark is opened.
  const state: BrowserState = {
    bench: 0,
    a: 0,
    b: -2,
    filter: "all",
    category: "",
    q: "",
    page: 0,
  };
  const load = (k: number): ClientBench => {
    if (!cache.has(k)) cache.set(k, readJson(`samples-${k}`) as ClientBench);
    return cache.get(k)!;
  };
  fillSelect(benchSel, names.map((n, k) => [String(k), n]), "0");

  const syncControls = () => {
    const data = load(state.bench);
    const models: [string, string][] = data.models.map((m, k) => [String(k), m.name]);
    fillSelect(aSel, models, String(state.a));
    fillSelect(bSel, [["-1", "(none)"], ...models], String(state.b));
    // Two models side by side unless asked otherwise.
    if (state.b === -2) bSel.value = models.length > 1 ? "1" : "-1";
    const cats = [...new Set(data.category)].filter((c) => c !== "").sort();
    fillSelect(
      catSel,
      [["", "all categories"], ...cats.map((c): [string, string] => [c, c])],
      state.category,
    );
    state.a = Number(aSel.value);
    state.b = Number(bSel.value);
    state.category = catSel.value;
    filterSel.value = state.filter;
    search.value = state.q;
  };

  const render = () => {
    const data = load(state.bench);
    const rows = visibleRows(data, state);
    const pages = Math.max(1, Math.ceil(rows.length / pageSize()));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * pageSize();
    const shown = rows.slice(start, start + pageSize());
    const a = data.models[state.a];
    const b = state.b >= 0 ? data.models[state.b] : undefined;
    byId("s-head-a").textContent = a ? a.name : "model A";
    byId("s-head-b").textContent = b ? b.name : "model B";
    body.replaceChildren(...shown.map((k) => {
      const tr = document.createElement("tr");
      tr.dataset.index = data.index[k];
      tr.appendChild(el("td", "num", data.index[k]));
      tr.appendChild(mediaCell(data.media[k] ?? [], images));
      const question = el("td", "question");
      question.appendChild(el("pre", undefined, data.question[k]));
      if (data.options[k] !== "") question.appendChild(el("pre", "options", data.options[k]));
      tr.appendChild(question);
      tr.appendChild(el("td", undefined, data.answer[k]));
      tr.appendChild(el("td", undefined, data.category[k]));
      tr.appendChild(answerCell(a, k));
      tr.appendChild(answerCell(b, k));
      return tr;
    }));
    count.textContent = `${rows.length} of ${data.index.length} rows`;
    count.dataset.visible = String(rows.length);
    byId("s-page").textContent = rows.length
      ? `rows ${start + 1}–${start + shown.length}, page ${state.page + 1} of ${pages}`
      : "no row matches";
    byId<HTMLButtonElement>("s-prev").disabled = state.page === 0;
    byId<HTMLButtonElement>("s-next").disabled = state.page >= pages - 1;
    if (a) {
      byId("s-source").textContent = `${a.name}: ${a.source}${
        b ? ` · ${b.name}: ${b.source}` : ""
      }`;
    }
  };

  const update = (change: Partial<BrowserState>) => {
    const benchChanged = change.bench !== undefined && change.bench !== state.bench;
    Object.assign(state, change, { page: change.page ?? 0 });
    if (benchChanged) syncControls();
    render();
  };
  benchSel.addEventListener(
    "change",
    () => update({ bench: Number(benchSel.value), a: 0, b: -2, category: "" }),
  );
  aSel.addEventListener("change", () => update({ a: Number(aSel.value) }));
  bSel.addEventListener("change", () => update({ b: Number(bSel.value) }));
  filterSel.addEventListener("change", () => update({ filter: filterSel.value }));
  catSel.addEventListener("change", () => update({ category: catSel.value }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => update({ q: search.value }), 150);
  });
  byId("s-prev").addEventListener("click", () => update({ page: state.page - 1 }));
  byId("s-next").addEventListener("click", () => update({ page: state.page + 1 }));
  for (const link of document.querySelectorAll<HTMLAnchorElement>("a.goto")) {
    link.addEventListener("click", () => {
      const bench = names.indexOf(link.dataset.bench ?? "");
      if (bench < 0) return;
      const data = load(bench);
      const a = Math.max(0, data.models.findIndex((m) => m.name === link.dataset.model));
      state.bench = bench;
      Object.assign(state, {
        a,
        b: -1,
        category: "",
        filter: link.dataset.filter ?? "all",
        q: link.dataset.q ?? "",
      });
      benchSel.value = String(bench);
      syncControls();
      render();
    });
  }
  syncControls();
  render();
  performance.mark("vlmeval:samples-ready");
}

/** Runs the page: sortable leaderboard, sample browser. */
function main(): void {
  setupLeaderboardSort();
  setupSamples();
}

/** Every function of the page's script; `main` runs them. */
const CLIENT_FUNCTIONS = [
  pageSize,
  readJson,
  el,
  setupLeaderboardSort,
  answerKey,
  visibleRows,
  answerCell,
  mediaCell,
  fillSelect,
  setupSamples,
  main,
];

/**
 * The page's script: the functions above as their transpiled source, in a strict-mode
 * function scope, then a call of `main` once the document is parsed.
 */
export function clientScript(): string {
  return `"use strict";(() => {\n${CLIENT_FUNCTIONS.map(String).join("\n")}\n` +
    `if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);\n` +
    `else main();\n})();`;
}
