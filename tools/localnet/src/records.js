'use strict';
// The JSON shapes of accounts and landed transactions as the Solana RPC
// returns them (getAccountInfo, getTransaction meta with token balances),
// and the account snapshots a landed record is built from.

const bs58 = require('bs58');
const programs = require('./programs');
const { invalidParams } = require('./json');

function ownerOf(account) {
  return bs58.encode(Buffer.from(account.owner()));
}

// [{ lamports, owner, data }] for each key; a missing account is 0 lamports.
function snapshotAccounts(chain, keyBytes) {
  return keyBytes.map((k) => {
    const a = chain.svm.getAccount(k);
    if (!a) {
      return { lamports: 0n, owner: null, data: null };
    }
    return { lamports: a.lamports(), owner: ownerOf(a), data: Buffer.from(a.data()) };
  });
}

function mintDecimals(chain, mint) {
  const a = chain.getAccount(Buffer.from(bs58.decode(mint)));
  if (!a) {
    return null;
  }
  const m = programs.decodeMint(Buffer.from(a.data()), ownerOf(a));
  return m ? m.decimals : null;
}

// preTokenBalances / postTokenBalances entries for the token accounts among keys.
function tokenBalances(chain, keys, snaps) {
  const out = [];
  snaps.forEach((s, i) => {
    if (!s.data) {
      return;
    }
    const t = programs.decodeTokenAccount(s.data, s.owner);
    if (!t) {
      return;
    }
    const decimals = mintDecimals(chain, t.mint);
    if (decimals === null) {
      return;
    }
    out.push({
      accountIndex: i, mint: t.mint, owner: t.owner, programId: s.owner,
      uiTokenAmount: programs.uiTokenAmount(t.amount, decimals),
    });
  });
  return out;
}

// litesvm's meta.innerInstructions() -> [{ index, instructions: [...] }],
// top-level instructions without inner ones left out, as the RPC does.
function innerInstructionsJson(meta) {
  const out = [];
  meta.innerInstructions().forEach((list, index) => {
    if (list.length === 0) {
      return;
    }
    out.push({
      index,
      instructions: list.map((ii) => {
        const ix = ii.instruction();
        return {
          programIdIndex: ix.programIdIndex(),
          accounts: Array.from(ix.accounts()),
          data: bs58.encode(Buffer.from(ix.data())),
          stackHeight: ii.stackHeight(),
        };
      }),
    });
  });
  return out;
}

// The UTF-8 text of the transaction's Memo instructions, or null.
function memoOf(message, keys) {
  const memos = [];
  for (const ix of message.instructions) {
    if (programs.MEMO_PROGRAMS.has(keys[ix.programIdIndex])) {
      memos.push(ix.data.toString('utf8'));
    }
  }
  return memos.length ? memos.join('\n') : null;
}

function transactionJson(record, encoding) {
  const { tx } = record;
  if (encoding === 'base64') {
    return [tx.bytes.toString('base64'), 'base64'];
  }
  if (encoding === 'base58') {
    return [bs58.encode(tx.bytes), 'base58'];
  }
  const m = tx.message;
  const message = {
    accountKeys: m.accountKeys.map((k) => bs58.encode(k)),
    header: m.header,
    recentBlockhash: bs58.encode(m.recentBlockhash),
    instructions: m.instructions.map((ix) => ({
      programIdIndex: ix.programIdIndex, accounts: ix.accounts, data: bs58.encode(ix.data), stackHeight: null,
    })),
  };
  if (m.version === 0) {
    message.addressTableLookups = m.addressTableLookups.map((l) => ({
      accountKey: bs58.encode(l.accountKey), writableIndexes: l.writableIndexes, readonlyIndexes: l.readonlyIndexes,
    }));
  }
  return { signatures: tx.signatures.map((s) => bs58.encode(s)), message };
}

function metaJson(record) {
  const meta = {
    err: record.err,
    status: record.err ? { Err: record.err } : { Ok: null },
    fee: record.fee,
    preBalances: record.preBalances,
    postBalances: record.postBalances,
    innerInstructions: record.innerInstructions,
    logMessages: record.logs,
    preTokenBalances: record.preTokenBalances,
    postTokenBalances: record.postTokenBalances,
    rewards: [],
    loadedAddresses: record.loaded,
    computeUnitsConsumed: record.unitsConsumed,
  };
  if (record.returnData) {
    meta.returnData = record.returnData;
  }
  return meta;
}

function parsedAccountData(chain, data, owner) {
  const program = owner === programs.TOKEN_2022_PROGRAM ? 'spl-token-2022' : 'spl-token';
  const t = programs.decodeTokenAccount(data, owner);
  if (t) {
    const decimals = mintDecimals(chain, t.mint);
    if (decimals !== null) {
      const info = {
        isNative: t.isNative, mint: t.mint, owner: t.owner, state: t.state,
        tokenAmount: programs.uiTokenAmount(t.amount, decimals),
      };
      if (t.delegate) {
        info.delegate = t.delegate;
        info.delegatedAmount = programs.uiTokenAmount(t.delegatedAmount, decimals);
      }
      if (t.closeAuthority) {
        info.closeAuthority = t.closeAuthority;
      }
      if (t.isNative) {
        info.rentExemptReserve = programs.uiTokenAmount(t.rentExemptReserve, decimals);
      }
      return { program, parsed: { info, type: 'account' }, space: data.length };
    }
  }
  const m = programs.decodeMint(data, owner);
  if (m) {
    return {
      program,
      parsed: {
        info: {
          decimals: m.decimals, freezeAuthority: m.freezeAuthority, isInitialized: true,
          mintAuthority: m.mintAuthority, supply: m.supply.toString(),
        },
        type: 'mint',
      },
      space: data.length,
    };
  }
  return null;
}

// An account as getAccountInfo returns it. encoding: base64 | base58 |
// binary (the default: a bare base58 string) | jsonParsed (SPL Token
// accounts and mints; anything else falls back to base64, as the RPC does).
function accountJson(chain, account, encoding = 'binary', dataSlice = undefined) {
  let data = Buffer.from(account.data());
  const owner = ownerOf(account);
  const base = { executable: account.executable(), lamports: account.lamports(), owner, rentEpoch: account.rentEpoch(), space: data.length };
  if (encoding === 'jsonParsed') {
    const parsed = parsedAccountData(chain, data, owner);
    if (parsed) {
      return { data: parsed, ...base };
    }
    encoding = 'base64';
  }
  if (dataSlice !== undefined) {
    data = data.subarray(Math.min(dataSlice.offset, data.length), Math.min(dataSlice.offset + dataSlice.length, data.length));
  }
  switch (encoding) {
    case 'base64':
      return { data: [data.toString('base64'), 'base64'], ...base };
    case 'base58':
    case 'binary':
      if (data.length > 128) {
        throw invalidParams('Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.');
      }
      return { data: encoding === 'binary' ? bs58.encode(data) : [bs58.encode(data), 'base58'], ...base };
    default:
      throw invalidParams(`Invalid param: unsupported encoding ${JSON.stringify(encoding)} (localnet serves base64, base58, binary, jsonParsed)`);
  }
}

module.exports = { snapshotAccounts, tokenBalances, innerInstructionsJson, memoOf, transactionJson, metaJson, accountJson, ownerOf };
