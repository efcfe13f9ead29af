/**
 * The console pages' styles (overview, users, audit log), appended to app.css as one delimited block. Colours
 * are custom properties with light-dark() values, and the charts draw with them and currentColor, so every
 * page follows the browser's light or dark scheme. Contrast of text colours ≥ 4.5:1 on both backgrounds.
 */

/**
 * A console table (console-table.ts) stacked, for boxes too narrow for its columns: the head kept for screen readers
 * only, each body row a card, each cell its column's name (`data-label`, hidden from screen readers, which announce
 * the header themselves) beside its value; a cell that holds a form (the row's actions) sits at the card's foot
 * with full-width buttons; an empty cell takes no room. `scope` selects the tables' boxes this applies to.
 */
const stackedTable = (scope: string) => `
${scope} :is(table, caption, tbody, tr, th, td) { display: block; }
${scope} table { min-width: 0; --label-width: min(10rem, 36cqi); }
${scope} thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
${scope} tbody tr { border: 1px solid var(--c-rule); border-radius: 6px; padding: .35rem .75rem; margin: 0 0 .75rem; }
${scope} tbody :is(th, td) { display: flow-root; padding: .2rem 0 .2rem calc(var(--label-width) + .75rem); border: 0; text-align: left; white-space: normal; overflow-wrap: anywhere; max-width: none; }
${scope} tbody :is(th, td)::before { content: attr(data-label) / ""; float: left; box-sizing: border-box; width: var(--label-width); margin-left: calc(-1 * (var(--label-width) + .75rem)); padding-right: .25rem; font-size: .85rem; font-weight: 600; color: var(--c-muted); overflow-wrap: break-word; hyphens: auto; }
${scope} table.audit td:first-child { white-space: normal; }
${scope} tbody td:empty { padding: 0; } ${scope} tbody td:empty::before { content: none; }
${scope} tbody td:has(> form) { padding-left: 0; } ${scope} tbody td:has(> form)::before { content: none; }
${scope} tbody td form { display: block; }
${scope} tbody td button { display: block; width: 100%; margin: .5rem 0 .25rem; padding: .6rem 1rem; font-size: 1rem; white-space: normal; }
`;

export const consolePagesCss = `
/* ---- console pages (overview, users, audit log) ---- */
:root { --c-ok: light-dark(#1a7f37, #3fb950); --c-warn: light-dark(#9a6700, #d29922); --c-fail: light-dark(#b00020, #f85149); --c-muted: light-dark(#595959, #b3b3b3); --c-rule: light-dark(#d0d7de, #3d444d); --c-tile: light-dark(#f6f8fa, #161b22); --c-series-0: light-dark(#0b5cad, #58a6ff); --c-series-1: light-dark(#bc4c00, #f0883e); }
main:has(.console) { max-width: 76rem; }
.console-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0 0 1rem; border-bottom: 1px solid var(--c-rule); }
.console-nav a { display: inline-block; padding: .4rem 0; text-decoration: none; color: inherit; }
.console-nav a[aria-current=page] { font-weight: 700; border-bottom: 3px solid var(--accent); }
.console h2 { margin-top: 1.75rem; font-size: 1.25rem; }
.console h3 { font-size: 1rem; margin: 0 0 .5rem; }
.console table { border-collapse: collapse; width: 100%; font-size: .92rem; }
.console th, .console td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--c-rule); vertical-align: top; }
.console caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.table-scroll { overflow-x: auto; position: relative; container: table-box / inline-size; }
.console td.detail { overflow-wrap: anywhere; max-width: 28rem; }
.console .confirm-row { display: flex; gap: .5rem; align-items: baseline; margin: .5rem 0 .75rem; }
.console h3#reregister-heading { margin-top: 1.25rem; }
.console .table-scroll + h3 { margin-top: 1rem; }
.console td form.inline button { white-space: nowrap; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.health { border: 1px solid var(--c-rule); border-left: 6px solid var(--c-muted); padding: .25rem 1rem .5rem; border-radius: 4px; }
.health.health-pass { border-left-color: var(--c-ok); } .health.health-warn { border-left-color: var(--c-warn); } .health.health-fail { border-left-color: var(--c-fail); }
.health h2 { margin-top: .5rem; }
.health-verdict { font-weight: 600; }
.health-areas { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: .5rem 1rem; }
.health-area { display: flex; flex-wrap: wrap; gap: .15rem .5rem; align-items: baseline; align-content: flex-start; } .health-area > span:not(.health-badge) { flex-basis: 100%; } .health-area > strong { flex: 1 1 8rem; }
.health-badge { display: inline-block; min-width: 5.5rem; text-align: center; padding: 0 .4rem; border-radius: 3px; font-size: .85rem; font-weight: 700; border: 1px solid currentColor; }
.health-area.health-pass .health-badge { color: var(--c-ok); } .health-area.health-warn .health-badge { color: var(--c-warn); } .health-area.health-fail .health-badge { color: var(--c-fail); } .health-area.health-skip .health-badge { color: var(--c-muted); }
dl.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: .75rem; }
.tile { background: var(--c-tile); border: 1px solid var(--c-rule); border-radius: 6px; padding: .75rem 1rem; }
.tile dt { font-weight: 600; } .tile dd { margin: .25rem 0 0; } .tile dd:not(.help) { font-size: 1.5rem; font-weight: 700; }
#stat-capable { font-size: 1.15rem; }
.tile dd.tile-warn { border-left: 4px solid var(--c-warn); padding-left: .5rem; }
.help-details { margin: .75rem 0; } .help-details summary { cursor: pointer; text-decoration: underline; text-underline-offset: .2em; } .help-details p { margin: .5rem 0 0; max-width: 60rem; }
/* A code typed from a message or an app: a short field, not the page's width. */
.console input[type=text][inputmode=numeric] { max-width: 12rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(22rem, 100%), 1fr)); gap: 1.5rem; margin-top: 1rem; }
.chart-box { min-width: 0; }
.chart-figure { margin: 0; }
svg.chart { width: 100%; max-width: 40rem; height: auto; color: inherit; font-size: 12px; }
.chart-grid { stroke: var(--c-rule); stroke-width: 1; }
.chart-axis, .chart-label { fill: currentColor; }
.chart-axis { fill: var(--c-muted); }
.chart-series-0 { fill: var(--c-series-0); } .chart-series-1 { fill: var(--c-series-1); }
.chart-line { fill: none; stroke: var(--c-series-0); stroke-width: 2.5; } .chart-area { fill: var(--c-series-0); fill-opacity: .15; }
.chart-legend { font-size: .85rem; margin: 0 0 .25rem; } .key { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 .6rem; vertical-align: -1px; } .key-0 { background: var(--c-series-0); } .key-1 { background: var(--c-series-1); }
.chart-data summary { cursor: pointer; font-size: .9rem; color: inherit; text-decoration: underline; text-underline-offset: .2em; }
.search-row { display: flex; gap: .5rem; align-items: stretch; } .search-row input { margin-top: 0; } .search-row button { margin-top: 0; flex: none; overflow-wrap: normal; }
.pager { display: flex; gap: 1.5rem; margin: 1rem 0; }
.console-columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(22rem, 100%), 1fr)); gap: 0 2rem; }
.console dl.profile { grid-template-columns: minmax(8rem, max-content) 1fr; } .console dl.profile dd { margin: 0; overflow-wrap: anywhere; }
.console button.small, .console .secondary.small { margin: 0; padding: .15rem .6rem; font-size: .85rem; }
.filter-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0 1rem; }
.filter-grid input, .filter-grid select { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
.check-fail td:nth-child(2) { color: var(--c-fail); font-weight: 700; } .check-warn td:nth-child(2) { color: var(--c-warn); font-weight: 700; }
.outcome-failure td:nth-child(3) { color: var(--c-fail); }
.console table.audit { min-width: 48rem; } .console table.audit code.event-id { display: block; font-size: .8rem; font-weight: 400; color: var(--c-muted); } .console table.audit td:first-child { white-space: nowrap; }
@media (max-width: 40rem) { .console-columns, .charts { grid-template-columns: 1fr; } .console th, .console td { padding: .3rem .3rem; } }
/* A form on a wide page keeps its fields to a readable line length (numeric fields keep their own narrower width). */
.console :is(form, fieldset) > :is(input[type=text], input[type=number], input[type=password], select, textarea):not([inputmode=numeric]) { max-width: 40rem; }
/* Name–value lists stack (name above value) where two columns would squeeze the values into a sliver. */
@media (max-width: 30rem) { .console dl:is(.profile, .facts, .hd-account) { grid-template-columns: minmax(0, 1fr); gap: 0; } .console dl:is(.profile, .facts, .hd-account) dd { margin-bottom: .5rem; } }
/* Filter fields of one row share one height and look (date fields included). */
.filter-grid :is(input, select) { height: 2.6rem; margin-top: .25rem; border: 1px solid var(--border); border-radius: 4px; background: var(--bg); }
.console input[type=number] { display: block; max-width: 10rem; }
.console code.check-id { display: block; font-size: .8rem; font-weight: 400; color: var(--c-muted); }
.chart-empty { color: var(--c-muted); margin: .5rem 0; }
/* The console's second proof: one card per method, each with its own full-size button. */
#step-up-methods { list-style: none; padding: 0; }
#step-up-methods > li { border: 1px solid var(--border); border-radius: 4px; padding: .75rem 1rem; margin: .75rem 0; }
#step-up-methods label { margin-top: 0; }
#step-up-methods form.inline { display: block; }
#step-up-methods :is(form.inline button, li > button) { display: block; margin: .75rem 0 0; padding: .6rem 1.2rem; font-size: 1rem; }
@container table-box (width < 48rem) {${stackedTable('.console .stacks-wide')}}
@container table-box (width < 30rem) {${stackedTable('.console .stacks-narrow')}}
/* ---- end of console pages ---- */
`;
