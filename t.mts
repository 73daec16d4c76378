import {mkdirSync, writeFileSync} from "node:fs";
import {ingest} from "./src/ingest/ingest.ts";
import {sources} from "./loaders/index.ts";
import {parseConfig} from "./src/config.ts";
const dir = "/tmp/broken"; 
const cases: Record<string, Buffer | string> = {
  "latin1/orders.csv": Buffer.concat([Buffer.from("id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,Ren"), Buffer.from([0xe9]), Buffer.from(",2024-01-02,5\n")]),
  "utf16/orders.csv": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,Ren\u00e9,2024-01-02,5\n", "utf16le")]),
  "truncated/orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,c2,2024-01-02,5\no3,c2,2024-0",
  "quote/orders.csv": 'id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,"c2,2024-01-02,5\no3,c3,2024-01-03,7\n',
  "empty/orders.csv": "",
  "toomany/orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2024-01-01,10\no2,c2,2024-01-02,5,extra\no3,c3,2024-01-03,7\n",
  "headeronly/orders.csv": "id,customer_id,ordered_at,amount\n",
};
for (const [name, body] of Object.entries(cases)) {
  mkdirSync(`${dir}/${name.split("/")[0]}`, {recursive: true}); writeFileSync(`${dir}/${name}`, body);
  try {
    const r = await ingest([`${dir}/${name}`], {cwd: dir, config: parseConfig({rejectThreshold: 1}), sources, warehouse: null});
    console.log(name, JSON.stringify(r.files.map(f => [f.read, f.accepted, f.rejected, f.reasons])));
  } catch (e) { console.log(name, "ERROR", (e as Error).message); }
}
