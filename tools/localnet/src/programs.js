'use strict';
// Program ids, SPL Token account layouts (read and written directly, as the
// server seeds mints and vaults), token amounts for humans, fees and the
// compute-budget rules the runtime applies (checked against litesvm 1.4.1).

const bs58 = require('bs58');

const SYSTEM_PROGRAM = '11111111111111111111111111111111';
const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';
const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
const ATA_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
const MEMO_PROGRAMS = new Set(['MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr', 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo']);
const NATIVE_MINT = 'So11111111111111111111111111111111111111112';

// Jito's eight tip accounts (mainnet addresses, as getTipAccounts returns them).
const JITO_TIP_ACCOUNTS = Object.freeze([
  '96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5',
  'HFqU5x63VTqvQss8hp11i4wVV8bD44PvwucfZ2bU7gRe',
  'Cw8CFyM9FkoMi7K7Crf6HNQqf4uEMzpKw6QNghXLvLkY',
  'ADaUMid9yfUytqMBgopwjb2DTLSokTSzL1zt6iGPaS49',
  'DfXygSm4jCyNCybVYYK6DwvWqjKee8pbDmJGcLWNDXjh',
  'ADuUkR4vqLUMWXxW9gh6D6L8pMSawimctcNZ5pGwDcEt',
  'DttWaMuVvTiduZRnguLF7jNxTgiMBZ1hyAumKUiL2KRL',
  '3AVi9Tg9Uo68tJfuvoKvqKNWKkC5wPdSSdeBnizKZ6jT',
]);

// Programs the runtime counts as builtins when it picks a default compute
// unit limit: 3,000 CU per builtin instruction, 200,000 per other
// instruction, at most 1,400,000 (litesvm 1.4.1 agrees: a transfer with only
// SetComputeUnitPrice reserves 6,000 CU).
const BUILTIN_PROGRAMS = new Set([
  SYSTEM_PROGRAM, COMPUTE_BUDGET_PROGRAM,
  'Vote111111111111111111111111111111111111111',
  'Stake11111111111111111111111111111111111111',
  'Config1111111111111111111111111111111111111',
  'AddressLookupTab1e1111111111111111111111111',
  'BPFLoader1111111111111111111111111111111111',
  'BPFLoader2111111111111111111111111111111111',
  'BPFLoaderUpgradeab1e11111111111111111111111',
  'LoaderV411111111111111111111111111111111111',
]);
const LAMPORTS_PER_SIGNATURE = 5000n;
const MAX_COMPUTE_UNIT_LIMIT = 1_400_000n;
const DEFAULT_INSTRUCTION_CU = 200_000n;
const BUILTIN_INSTRUCTION_CU = 3_000n;

const MINT_SIZE = 82;
const TOKEN_ACCOUNT_SIZE = 165;

function readOptionKey(data, off) {
  const tag = data.readUInt32LE(off);
  return tag === 1 ? bs58.encode(data.subarray(off + 4, off + 36)) : null;
}

function writeOptionKey(data, off, keyBytes) {
  if (keyBytes) {
    data.writeUInt32LE(1, off);
    Buffer.from(keyBytes).copy(data, off + 4);
  } else {
    data.writeUInt32LE(0, off);
  }
}

// owner: base58 program id of the account. Returns null unless it is an
// initialized SPL Token (or Token-2022 base) mint.
function decodeMint(data, owner) {
  if ((owner !== TOKEN_PROGRAM && owner !== TOKEN_2022_PROGRAM) || data.length < MINT_SIZE || data.length === TOKEN_ACCOUNT_SIZE) {
    return null;
  }
  const d = Buffer.from(data);
  if (d[45] !== 1) {
    return null;
  }
  return {
    mintAuthority: readOptionKey(d, 0),
    supply: d.readBigUInt64LE(36),
    decimals: d[44],
    isInitialized: true,
    freezeAuthority: readOptionKey(d, 46),
  };
}

function decodeTokenAccount(data, owner) {
  if ((owner !== TOKEN_PROGRAM && owner !== TOKEN_2022_PROGRAM) || data.length < TOKEN_ACCOUNT_SIZE) {
    return null;
  }
  if (owner === TOKEN_2022_PROGRAM && data.length > TOKEN_ACCOUNT_SIZE && data[TOKEN_ACCOUNT_SIZE] !== 2) {
    return null; // a Token-2022 account with extensions carries account type 2 at byte 165
  }
  const d = Buffer.from(data);
  const state = d[108];
  if (state === 0) {
    return null;
  }
  const isNative = d.readUInt32LE(109) === 1;
  return {
    mint: bs58.encode(d.subarray(0, 32)),
    owner: bs58.encode(d.subarray(32, 64)),
    amount: d.readBigUInt64LE(64),
    delegate: readOptionKey(d, 72),
    state: state === 2 ? 'frozen' : 'initialized',
    isNative,
    rentExemptReserve: isNative ? d.readBigUInt64LE(113) : null,
    delegatedAmount: d.readBigUInt64LE(121),
    closeAuthority: readOptionKey(d, 129),
  };
}

function encodeMint({ mintAuthority, supply, decimals, freezeAuthority }) {
  const d = Buffer.alloc(MINT_SIZE);
  writeOptionKey(d, 0, mintAuthority);
  d.writeBigUInt64LE(BigInt(supply), 36);
  d[44] = decimals;
  d[45] = 1;
  writeOptionKey(d, 46, freezeAuthority);
  return d;
}

function encodeTokenAccount({ mint, owner, amount }) {
  const d = Buffer.alloc(TOKEN_ACCOUNT_SIZE);
  Buffer.from(mint).copy(d, 0);
  Buffer.from(owner).copy(d, 32);
  d.writeBigUInt64LE(BigInt(amount), 64);
  d[108] = 1; // initialized
  return d;
}

// "1234.5" from 1234500000n atoms and 6 decimals, trailing zeros trimmed
// (as the RPC's uiAmountString).
function atomsToDecimalString(amount, decimals) {
  const s = amount.toString().padStart(decimals + 1, '0');
  if (decimals === 0) {
    return s;
  }
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

function uiTokenAmount(amount, decimals) {
  const uiAmountString = atomsToDecimalString(amount, decimals);
  return { amount: amount.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}

// Compute-budget settings of a message (instructions with base58 program ids).
function computeBudgetOf(programIds, instructions) {
  let limit = null;
  let price = 0n;
  let builtins = 0n;
  let others = 0n;
  instructions.forEach((ix, i) => {
    const program = programIds[i];
    if (BUILTIN_PROGRAMS.has(program)) {
      builtins += 1n;
    } else {
      others += 1n;
    }
    if (program !== COMPUTE_BUDGET_PROGRAM || ix.data.length === 0) {
      return;
    }
    const d = ix.data;
    if (d[0] === 2 && d.length === 5) {
      limit = BigInt(d.readUInt32LE(1));
    } else if (d[0] === 3 && d.length === 9) {
      price = d.readBigUInt64LE(1);
    }
  });
  if (limit === null) {
    limit = builtins * BUILTIN_INSTRUCTION_CU + others * DEFAULT_INSTRUCTION_CU;
  }
  if (limit > MAX_COMPUTE_UNIT_LIMIT) {
    limit = MAX_COMPUTE_UNIT_LIMIT;
  }
  return { computeUnitLimit: limit, computeUnitPriceMicroLamports: price };
}

// The fee the runtime charges: 5,000 lamports per signature plus the
// priority fee ceil(limit x price / 1e6).
function feeOf(numSignatures, budget) {
  const micro = budget.computeUnitLimit * budget.computeUnitPriceMicroLamports;
  const priority = (micro + 999_999n) / 1_000_000n;
  return LAMPORTS_PER_SIGNATURE * BigInt(numSignatures) + priority;
}

module.exports = {
  SYSTEM_PROGRAM, COMPUTE_BUDGET_PROGRAM, TOKEN_PROGRAM, TOKEN_2022_PROGRAM, ATA_PROGRAM, MEMO_PROGRAMS,
  NATIVE_MINT, JITO_TIP_ACCOUNTS, MINT_SIZE, TOKEN_ACCOUNT_SIZE, LAMPORTS_PER_SIGNATURE,
  decodeMint, decodeTokenAccount, encodeMint, encodeTokenAccount, atomsToDecimalString, uiTokenAmount,
  computeBudgetOf, feeOf,
};
