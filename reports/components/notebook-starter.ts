/**
 * The notebook the Explore page opens with when its address holds none: a
 * line of text, then a query per kind of question (a monthly series, a named
 * cell, a query of that cell, a retention curve). Its Markdown is rendered
 * when the site is built (data/notebook-starter.json.ts), so the page does not
 * fetch a Markdown renderer until a reader writes or opens text of their own.
 */
import type {NotebookDoc} from "./notebook-format.js";

export const starter: NotebookDoc = {
  cells: [
    {kind: "md", source: "**Revenue, month by month**, all customers together (the rows with `breakdown = 'all'`), whole months only (`NOT incomplete`)."},
    {
      kind: "sql",
      source: `SELECT month, net_revenue, active_customers
FROM activity
WHERE breakdown = 'all' AND NOT incomplete
ORDER BY month`
    },
    {
      kind: "sql",
      name: "last_year",
      source: `-- Revenue and new customers by acquisition channel, last twelve months
SELECT group_name AS channel, round(sum(net_revenue)) AS revenue, sum(new_customers) AS new_customers
FROM activity
WHERE breakdown = 'channel'
  AND month > (SELECT max(month) FROM activity) - INTERVAL 12 MONTH
GROUP BY channel
ORDER BY revenue DESC`
    },
    {
      kind: "sql",
      source: `-- Each channel's share of that revenue, from the named cell above
SELECT channel, round(100 * revenue / sum(revenue) OVER (), 1) AS revenue_share_pct
FROM last_year
ORDER BY revenue_share_pct DESC`
    },
    {
      kind: "sql",
      source: `-- Share of each month's new customers who ordered again the month after
SELECT cohort, round(100 * rate, 1) AS returned_pct, customers
FROM retention
WHERE granularity = 'month' AND breakdown = 'all' AND k = 1 AND NOT incomplete AND rate IS NOT NULL
ORDER BY cohort`
    }
  ]
};

/** How the notebook renders Markdown cells (markdown-it): raw HTML off, as a notebook may come from anyone's link. */
export const markdownOptions = {html: false, linkify: true, typographer: true} as const;
