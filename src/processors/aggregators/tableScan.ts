import { tableScratch } from './itemTable.js';

/**
 * The item table a scan writes, kept where its caller reads it (one per scan call): the scratch
 * table, or a larger one once it had to grow.
 *
 * A record's scan loop is a function of its own that ends with its loop (`return used`); what it
 * finds goes into this object as it changes, and its caller copies the table out and builds the
 * result. V8 compiles a long loop while it runs (on-stack replacement), before the code after it
 * has run once, and keeps that code for later calls: a call or a constructor after the loop, with
 * no type feedback, threw it away at the end of every call (Node 22; the next record's scan
 * started unoptimized).
 */
export interface TableScan {
  table: Int32Array;
}

/** A new scan's state: the scratch table, from field 0. */
export function tableScan(): TableScan {
  return { table: tableScratch() };
}
