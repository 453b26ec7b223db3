/** The report page's style sheet (inlined; the page loads nothing). */
export const REPORT_CSS = `
:root { --fg: #1b1f24; --muted: #5b6470; --line: #d8dde3; --bg: #ffffff; --alt: #f5f7f9;
  --good: #0b7a3e; --bad: #b3261e; --warn: #9a6700; --accent: #0057b8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
header { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 22px; }
nav { position: sticky; top: 0; z-index: 2; background: var(--bg); border-bottom: 1px solid var(--line);
  padding: 6px 24px; display: flex; gap: 16px; flex-wrap: wrap; }
nav a { color: var(--accent); text-decoration: none; }
main { padding: 8px 24px 48px; }
section.top { margin-top: 24px; }
h2 { font-size: 18px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
h4 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); }
.muted { color: var(--muted); }
.ok { color: var(--good); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
table.grid { border-collapse: collapse; margin: 6px 0 10px; }
table.grid th, table.grid td { border: 1px solid var(--line); padding: 3px 8px; vertical-align: top; text-align: left; }
table.grid thead th { background: var(--alt); position: sticky; top: 34px; }
table.grid tbody tr:nth-child(even) { background: #fafbfc; }
table.grid td.num, table.grid th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { text-align: left; padding-right: 16px; color: var(--muted); font-weight: normal; vertical-align: top; }
table.kv td { word-break: break-word; }
#leaderboard td { text-align: right; white-space: nowrap; }
#leaderboard .score { font-weight: 600; font-variant-numeric: tabular-nums; }
#leaderboard .fail { display: block; font-size: 11px; color: var(--muted); }
#leaderboard .fail.some { color: var(--bad); }
#leaderboard th button { all: unset; cursor: pointer; display: block; }
#leaderboard th button:focus-visible { outline: 2px solid var(--accent); }
#leaderboard th small { display: block; font-weight: normal; color: var(--muted); font-size: 11px; }
#leaderboard th[aria-sort=descending] button small::after { content: " ▼"; }
#leaderboard th[aria-sort=ascending] button small::after { content: " ▲"; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; background: var(--alt);
  border: 1px solid var(--line); }
.badge.good, .state-done { color: var(--good); }
.badge.bad, .state-error, .state-incomplete, .state-failed { color: var(--bad); }
.state-running, .state-infer { color: var(--warn); }
ul.problems li.unreadable { color: var(--bad); }
ul.problems li.missing { color: var(--warn); }
ul.runs { padding-left: 18px; }
svg.chart { display: block; margin: 4px 0 12px; font: 11px system-ui, sans-serif; }
svg.chart .axis { stroke: var(--line); }
svg.chart text.v { fill: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; margin: 8px 0; }
.controls label { color: var(--muted); }
#s-table { width: 100%; table-layout: fixed; }
#s-table col.c-index { width: 64px; } #s-table col.c-media { width: 120px; }
#s-table col.c-answer { width: 70px; } #s-table col.c-cat { width: 110px; }
td.media > img { max-width: 96px; max-height: 96px; margin: 1px; vertical-align: top; }
td.media .thumb { display: inline-block; overflow: hidden; margin: 1px; vertical-align: top; }
td.media .thumb img { display: block; max-width: none; }
td.media .thumb.small { zoom: 0.5; }
td.question pre { font-family: inherit; font-size: 13px; }
td.answer .extracted { font-weight: 600; }
td.answer .method { color: var(--muted); font-size: 11px; }
td.answer pre.failure { color: var(--bad); }
td.answer pre.pred { margin-top: 3px; max-height: 16em; overflow: auto; }
pre.options { color: var(--muted); margin-top: 4px; }
.pager { display: flex; gap: 10px; align-items: center; margin: 6px 0; }
ol.fail-samples pre { color: var(--bad); }
.memory-plot { max-width: 100%; border: 1px solid var(--line); margin: 6px 0; }
`;
