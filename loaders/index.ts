/**
 * Every source rapport can read, in the order they are tried when a file's
 * name and columns have to tell which export it is. The generic loader goes
 * first: a file named after an entity is always read in the model's columns.
 */
import type {SourceDefinition} from "../src/ingest/source.js";
import {cdnow} from "./cdnow.js";
import {generic} from "./generic.js";
import {hubspot} from "./hubspot.js";
import {salesforce} from "./salesforce.js";
import {shopify} from "./shopify.js";
import {stripe} from "./stripe.js";

export const sources: readonly SourceDefinition[] = [generic, hubspot, salesforce, stripe, shopify, cdnow];
