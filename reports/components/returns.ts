import {sum} from "npm:d3";
import {html} from "npm:htl";
import {fmt} from "./format.js";

export interface MoneyRow {
  month: Date;
  /** null where the figure is withheld (too few customers). */
  gross_revenue?: number | null;
  returned?: number | null;
  net_revenue: number | null;
}

export interface GuestRow {
  month: Date;
  orders: number;
  revenue: number;
  returned: number;
  net: number;
}

/** An amount in the data set's currency and the site's locale ("$12,340", "£12,340", "R$ 12.340"); see format.ts. */
export function money(x: number, _currency?: string | null): string {
  return fmt.money(x);
}

/**
 * Four cards for the months shown: customers' gross revenue, their returns and
 * credit notes, net revenue (gross − returns), and guest orders (no customer,
 * counted apart). rows: the months of one population (withheld months are
 * left out, so the figures are over the months shown); guests: guest orders
 * by month over the same months. Without gross and returns in rows (a
 * segment or region), only net revenue is shown.
 */
export function grossReturnsNet(rows: readonly MoneyRow[], guests: readonly GuestRow[], {currency, population}: {currency?: string | null; population: string}) {
  const shown = rows.filter((d) => d.net_revenue != null);
  const split = shown.length > 0 && shown.every((d) => d.gross_revenue != null && d.returned != null);
  const gross = sum(shown, (d) => d.gross_revenue ?? 0);
  const returned = sum(shown, (d) => d.returned ?? 0);
  const net = sum(shown, (d) => d.net_revenue ?? 0);
  const months = `${shown.length} month${shown.length === 1 ? "" : "s"}`;
  const card = (metric: string, label: string, value: string, note: string) =>
    html`<div class="card" data-metric=${metric}><h2>${label}</h2><span class="big">${value}</span><span class="muted">${note}</span></div>`;
  const guestOrders = sum(guests, (d) => d.orders);
  return html`<div class="grid grid-cols-4" data-chart="gross-returns-net">
    ${card("gross_revenue", "Gross revenue", split ? money(gross, currency) : "—", split ? `completed orders of ${population}, ${months}` : "shown for all customers and channels")}
    ${card("returned", "Returns and credit notes", split ? money(returned, currency) : "—", split ? (gross > 0 ? `${fmt.percent(returned / gross)} of gross revenue` : months) : "")}
    ${card("net_revenue_total", "Net revenue", money(net, currency), `gross revenue less returns, ${months}`)}
    ${card("guest_orders", "Guest orders", fmt.number(guestOrders), guests.length ? `${money(sum(guests, (d) => d.net), currency)} net, no customer id; in no figure above` : "none: every order names its customer")}
  </div>`;
}
