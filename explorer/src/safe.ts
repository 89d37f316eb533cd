// Safe Transaction Builder batch files, written exactly as `vigil ... --safe FILE` writes them
// (cli/src/safe.rs): the Transaction Builder's own format, each call as raw data, and its checksum (the
// app's lib/checksum.ts: keccak256 of a canonical serialization of the file with meta.checksum removed
// and meta.name null), so the Safe web app imports the file without a "modified" warning.
import { getAddress, keccak256, toHex, type Address, type Hex } from 'viem';

export const FORMAT_VERSION = '1.0';
export const TX_BUILDER_VERSION = '1.18.3';

export interface Call {
  to: Address;
  value: bigint;
  data: Hex;
}

export interface Batch {
  version: string;
  chainId: string;
  createdAt: number;
  meta: {
    name: string | null;
    description: string;
    txBuilderVersion: string;
    createdFromSafeAddress: string;
    createdFromOwnerAddress: string;
    checksum?: string;
  };
  transactions: { to: string; value: string; data: string; contractMethod: null; contractInputsValues: null }[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/// An array as `[a,b]`; an object as `{` + the JSON array of its sorted keys + each value followed by a
/// comma + `}`; anything else as JSON.stringify writes it.
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${JSON.stringify(keys)}${keys.map((k) => `${canonical(value[k] as Json)},`).join('')}}`;
  }
  return JSON.stringify(value);
}

export function checksum(batch: Batch): string {
  const copy = JSON.parse(JSON.stringify(batch)) as Batch;
  delete copy.meta.checksum;
  copy.meta.name = null;
  return keccak256(toHex(canonical(copy as unknown as Json)));
}

/// A batch of `calls` for the Safe `safe` on chain `chainId`, created now.
export function batch(chainId: number, safe: Address, name: string, description: string, calls: Call[]): Batch {
  const file: Batch = {
    version: FORMAT_VERSION,
    chainId: String(chainId),
    createdAt: Date.now(),
    meta: {
      name,
      description,
      txBuilderVersion: TX_BUILDER_VERSION,
      createdFromSafeAddress: getAddress(safe),
      createdFromOwnerAddress: '',
    },
    transactions: calls.map((c) => ({
      to: getAddress(c.to),
      value: c.value.toString(),
      data: c.data,
      contractMethod: null,
      contractInputsValues: null,
    })),
  };
  file.meta.checksum = checksum(file);
  return file;
}
