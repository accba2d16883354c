export const PAGE_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:baseline}
header h1{font-size:18px;margin:0}header span{opacity:.7}main{padding:16px 24px;max-width:1200px}
.plugin{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:8px 16px;margin-bottom:16px}
h2{font-size:16px;margin:8px 0}h2 small{font-weight:normal;color:#667}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3}
th{font-weight:600;color:#556;font-size:12px;text-transform:uppercase}.num{text-align:right;font-variant-numeric:tabular-nums}
tr.role-active td:first-child{font-weight:700;color:#116b3a}tr.role-previous td:first-child{color:#7a5a00}
.bar{display:inline-block;width:60px;height:8px;background:#e5e8ee;border-radius:4px;margin-right:6px;vertical-align:middle}
.bar span{display:block;height:100%;background:#2f6fde;border-radius:4px}.canary{color:#7a5a00;margin:0 0 6px}
#events{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:8px 16px 8px 32px}
#events time{color:#778;font-variant-numeric:tabular-nums}.event-rolled-back{color:#a11}.event-swapped{color:#114c9e}
.event-load-failed{color:#a11}.pinned{color:#778;font-size:12px}td small{color:#778}
#charts,#fleet{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:8px 16px;margin-bottom:16px}
.charts{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end;border-bottom:1px solid #eef0f3;padding:6px 0}
.charts h3{font-size:13px;margin:0;width:180px;align-self:center}.chart{margin:0;color:#2f6fde}
.chart[data-chart="errors/s"]{color:#a11}.chart[data-chart="p99"]{color:#7a5a00}
.chart svg{display:block;background:#f6f7f9;border-radius:4px}.chart figcaption{font-size:11px;color:#667}
table.fleet td{vertical-align:top}td.serves{background:#e7f5ec}td.loaded{background:#f3f5f8}td.absent{color:#aab}
tr.silent td{opacity:.55}.silent-badge{background:#a11;color:#fff;border-radius:4px;padding:0 6px;font-size:12px}
.store[data-connected="false"]{color:#a11}`;
