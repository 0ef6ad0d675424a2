// The browser's wizard engine (static/js/wizard-engine.js, run by node here) plans exactly as
// `walletdesk plan` does in English, for every combination of the bundled wizard's choices.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { close, everyCombinationAgrees } from "./parity.mjs";

after(close);

test("the browser engine's plans equal walletdesk plan's (en), every choice combination", () =>
  everyCombinationAgrees("en", assert));
