/**
 * The notebook in the address: the cells' SQL as JSON, deflated where the
 * browser can (CompressionStream) and written as base64url after `#nb=`, so a
 * link carries the whole notebook and nothing is stored anywhere else.
 *
 * Format: `#nb=z<base64url(deflate-raw(json))>` or `#nb=j<base64url(json)>`,
 * json = the notebook file's JSON (notebook-format.ts); links of the first
 * version, {"v": 1, "cells": ["SELECT …", …]}, still open.
 */
import {fromJson, toJson, type NotebookDoc} from "./notebook-format.js";

const prefix = "nb=";

function toBase64url(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function pipe(bytes: Uint8Array, stream: GenericTransformStream): Promise<Uint8Array> {
  const out = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream as unknown as TransformStream<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** The hash (with its #) for a notebook. */
export async function encodeNotebook(doc: NotebookDoc): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(JSON.parse(toJson(doc))));
  if (typeof CompressionStream === "function") return `#${prefix}z${toBase64url(await pipe(json, new CompressionStream("deflate-raw")))}`;
  return `#${prefix}j${toBase64url(json)}`;
}

/**
 * The notebook a hash holds: null when the hash holds none, an error when it
 * holds one that cannot be read (a link cut short, a browser without
 * DecompressionStream).
 */
export async function decodeNotebook(hash: string): Promise<{value: NotebookDoc} | {error: string} | null> {
  const text = hash.replace(/^#/, "");
  if (!text.startsWith(prefix)) return null;
  const body = text.slice(prefix.length);
  try {
    let bytes = fromBase64url(body.slice(1));
    if (body[0] === "z") {
      if (typeof DecompressionStream !== "function") return {error: "this browser cannot read compressed notebook links"};
      bytes = await pipe(bytes, new DecompressionStream("deflate-raw"));
    } else if (body[0] !== "j") return {error: "the link's notebook is in an unknown format"};
    const read = fromJson(new TextDecoder().decode(bytes));
    return "error" in read ? {error: `the link's notebook cannot be read: ${read.error}`} : read;
  } catch {
    return {error: "the link's notebook could not be read (was the link cut short?)"};
  }
}
