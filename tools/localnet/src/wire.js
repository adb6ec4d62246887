'use strict';
// Strict parser of Solana wire transactions (legacy and v0).
//
// litesvm 1.4.1 aborts the whole process (a Rust panic) on bytes that do not
// deserialize, so nothing reaches it before this parser accepted it: every
// read is bounds-checked, compact-u16 must be canonical, the message must be
// sane (the checks of Message::sanitize and of the RPC's sanitize step) and
// no byte may trail the message. Errors carry the text the Agave RPC uses
// where one exists ("invalid transaction: ...").

const bs58 = require('bs58');

const PACKET_DATA_SIZE = 1232;
const MAX_BASE58_SIZE = 1683; // base58 of 1232 bytes
const MAX_BASE64_SIZE = 1644; // base64 of 1232 bytes
const MAX_ACCOUNTS = 256;

class WireError extends Error {}

function readCompactU16(buf, off) {
  let value = 0;
  for (let i = 0; i < 3; i++) {
    if (off + i >= buf.length) {
      throw new WireError('compact-u16 runs past the end of the buffer');
    }
    const byte = buf[off + i];
    if (i === 2 && byte > 0x03) {
      throw new WireError('compact-u16 overflows 16 bits');
    }
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) {
      if (i > 0 && byte === 0) {
        throw new WireError('compact-u16 is not canonically encoded');
      }
      return { value, next: off + i + 1 };
    }
  }
  throw new WireError('compact-u16 longer than 3 bytes');
}

function need(buf, off, n, what) {
  if (off + n > buf.length) {
    throw new WireError(`${what} runs past the end (needs ${n} bytes at offset ${off}, ${buf.length - off} left)`);
  }
}

function readBytes(buf, off, n, what) {
  need(buf, off, n, what);
  return { value: buf.subarray(off, off + n), next: off + n };
}

function readU8Vec(buf, off, what) {
  const len = readCompactU16(buf, off);
  const bytes = readBytes(buf, len.next, len.value, what);
  return { value: Array.from(bytes.value), next: bytes.next };
}

// Parses a message starting at `start`; returns { message, end }.
function parseMessage(buf, start) {
  let off = start;
  need(buf, off, 1, 'message header');
  let version = 'legacy';
  if (buf[off] & 0x80) {
    const v = buf[off] & 0x7f;
    if (v !== 0) {
      throw new WireError(`unsupported message version ${v} (only legacy and v0 exist)`);
    }
    version = 0;
    off += 1;
  }
  need(buf, off, 3, 'message header');
  const header = {
    numRequiredSignatures: buf[off],
    numReadonlySignedAccounts: buf[off + 1],
    numReadonlyUnsignedAccounts: buf[off + 2],
  };
  off += 3;
  const keyCount = readCompactU16(buf, off);
  off = keyCount.next;
  const accountKeys = [];
  for (let i = 0; i < keyCount.value; i++) {
    const key = readBytes(buf, off, 32, 'account key');
    accountKeys.push(Buffer.from(key.value));
    off = key.next;
  }
  const blockhashOffset = off;
  const recentBlockhash = Buffer.from(readBytes(buf, off, 32, 'recent blockhash').value);
  off += 32;
  const ixCount = readCompactU16(buf, off);
  off = ixCount.next;
  const instructions = [];
  for (let i = 0; i < ixCount.value; i++) {
    need(buf, off, 1, 'instruction program index');
    const programIdIndex = buf[off];
    const accounts = readU8Vec(buf, off + 1, 'instruction accounts');
    const dataLen = readCompactU16(buf, accounts.next);
    const data = readBytes(buf, dataLen.next, dataLen.value, 'instruction data');
    instructions.push({ programIdIndex, accounts: accounts.value, data: Buffer.from(data.value) });
    off = data.next;
  }
  const addressTableLookups = [];
  if (version === 0) {
    const lookupCount = readCompactU16(buf, off);
    off = lookupCount.next;
    for (let i = 0; i < lookupCount.value; i++) {
      const key = readBytes(buf, off, 32, 'lookup table key');
      const writable = readU8Vec(buf, key.next, 'lookup writable indexes');
      const readonly = readU8Vec(buf, writable.next, 'lookup readonly indexes');
      addressTableLookups.push({
        accountKey: Buffer.from(key.value),
        writableIndexes: writable.value,
        readonlyIndexes: readonly.value,
      });
      off = readonly.next;
    }
  }
  const message = {
    version, header, accountKeys, recentBlockhash, instructions, addressTableLookups,
    blockhashOffset,
    bytes: Buffer.from(buf.subarray(start, off)),
  };
  sanitizeMessage(message);
  return { message, end: off };
}

function sanitizeMessage(m) {
  const { header, accountKeys, instructions, addressTableLookups } = m;
  const sanitizeFailure = 'invalid transaction: Transaction failed to sanitize accounts offsets correctly';
  if (header.numRequiredSignatures === 0 || accountKeys.length === 0) {
    throw new WireError(`${sanitizeFailure} (no fee payer)`);
  }
  if (header.numRequiredSignatures + header.numReadonlyUnsignedAccounts > accountKeys.length) {
    throw new WireError(`${sanitizeFailure} (header asks for more accounts than the ${accountKeys.length} keys)`);
  }
  if (header.numReadonlySignedAccounts >= header.numRequiredSignatures) {
    throw new WireError(`${sanitizeFailure} (the fee payer would be read-only)`);
  }
  let loaded = 0;
  for (const l of addressTableLookups) {
    if (l.writableIndexes.length + l.readonlyIndexes.length === 0) {
      throw new WireError(`${sanitizeFailure} (an address table lookup selects no account)`);
    }
    loaded += l.writableIndexes.length + l.readonlyIndexes.length;
  }
  const total = accountKeys.length + loaded;
  if (total > MAX_ACCOUNTS) {
    throw new WireError(`${sanitizeFailure} (${total} accounts, at most ${MAX_ACCOUNTS})`);
  }
  for (let i = 0; i < instructions.length; i++) {
    const ix = instructions[i];
    if (ix.programIdIndex === 0 || ix.programIdIndex >= accountKeys.length) {
      throw new WireError(`${sanitizeFailure} (instruction ${i}: program index ${ix.programIdIndex} is the fee payer or not a static key)`);
    }
    for (const a of ix.accounts) {
      if (a >= total) {
        throw new WireError(`${sanitizeFailure} (instruction ${i}: account index ${a} >= ${total} accounts)`);
      }
    }
  }
  const seen = new Set();
  for (const k of accountKeys) {
    const hex = k.toString('hex');
    if (seen.has(hex)) {
      throw new WireError('invalid transaction: Account loaded twice');
    }
    seen.add(hex);
  }
}

function parseTransaction(buf) {
  if (buf.length > PACKET_DATA_SIZE) {
    throw new WireError(`transaction too large: ${buf.length} bytes (max ${PACKET_DATA_SIZE})`);
  }
  const count = readCompactU16(buf, 0);
  let off = count.next;
  const signatures = [];
  for (let i = 0; i < count.value; i++) {
    const sig = readBytes(buf, off, 64, 'signature');
    signatures.push(Buffer.from(sig.value));
    off = sig.next;
  }
  const messageOffset = off;
  const { message, end } = parseMessage(buf, off);
  if (end !== buf.length) {
    throw new WireError(`${buf.length - end} trailing bytes after the message`);
  }
  if (signatures.length !== message.header.numRequiredSignatures) {
    throw new WireError(`invalid transaction: ${signatures.length} signatures for ${message.header.numRequiredSignatures} required signers`);
  }
  return {
    signatures,
    signature: bs58.encode(signatures[0]),
    message,
    bytes: Buffer.from(buf),
    messageOffset,
    blockhashOffset: message.blockhashOffset, // absolute offset in `bytes`
  };
}

// Decodes the string a client sent (encoding 'base58' or 'base64') and parses it.
function decodeTransaction(text, encoding) {
  if (typeof text !== 'string') {
    throw new WireError('the transaction must be a string');
  }
  let bytes;
  if (encoding === 'base64') {
    if (text.length > MAX_BASE64_SIZE) {
      throw new WireError(`base64 encoded transaction too large: ${text.length} bytes (max: encoded/raw ${MAX_BASE64_SIZE}/${PACKET_DATA_SIZE})`);
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new WireError('invalid base64 encoding');
    }
    bytes = Buffer.from(text, 'base64');
  } else if (encoding === 'base58') {
    if (text.length > MAX_BASE58_SIZE) {
      throw new WireError(`base58 encoded transaction too large: ${text.length} bytes (max: encoded/raw ${MAX_BASE58_SIZE}/${PACKET_DATA_SIZE})`);
    }
    try {
      bytes = Buffer.from(bs58.decode(text));
    } catch (e) {
      throw new WireError('invalid base58 encoding');
    }
  } else {
    throw new WireError(`unsupported encoding: ${encoding} (expected base58 or base64)`);
  }
  if (bytes.length === 0) {
    throw new WireError('empty transaction');
  }
  return parseTransaction(bytes);
}

// Which of the message's accounts (static keys then loaded ones, in the
// runtime's order) are writable. `loaded` = { writable: [...], readonly: [...] }.
function writableFlags(message, loaded) {
  const { header, accountKeys } = message;
  const flags = [];
  const n = accountKeys.length;
  for (let i = 0; i < n; i++) {
    if (i < header.numRequiredSignatures) {
      flags.push(i < header.numRequiredSignatures - header.numReadonlySignedAccounts);
    } else {
      flags.push(i < n - header.numReadonlyUnsignedAccounts);
    }
  }
  for (let i = 0; i < loaded.writable.length; i++) {
    flags.push(true);
  }
  for (let i = 0; i < loaded.readonly.length; i++) {
    flags.push(false);
  }
  return flags;
}

function decodeBase58Key(text) {
  if (typeof text !== 'string' || text.length < 32 || text.length > 44) {
    return null;
  }
  try {
    const b = Buffer.from(bs58.decode(text));
    return b.length === 32 ? b : null;
  } catch (e) {
    return null;
  }
}

function decodeBase58Signature(text) {
  if (typeof text !== 'string' || text.length < 64 || text.length > 88) {
    return null;
  }
  try {
    const b = Buffer.from(bs58.decode(text));
    return b.length === 64 ? b : null;
  } catch (e) {
    return null;
  }
}

module.exports = {
  PACKET_DATA_SIZE, WireError, readCompactU16, parseMessage, parseTransaction, decodeTransaction,
  writableFlags, decodeBase58Key, decodeBase58Signature,
};
