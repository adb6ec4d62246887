#!/usr/bin/env node
'use strict';
// Writes the golden vectors sniperd's Solana codec is tested against, all
// computed by @solana/web3.js and @solana/spl-token (never by sniperd):
//   OUTDIR/tx_vectors.json   legacy and v0 transactions
//   OUTDIR/pda_vectors.json  PDAs, ATA addresses, on-curve results
// Deterministic: fixed seeds, fixed blockhashes, a SHA-256 counter PRNG.
// Usage: node gen_vectors.js OUTDIR [--compare COMMITTED_DIR]
//   --compare: then check that OUTDIR's files equal COMMITTED_DIR's, byte
//   for byte (the committed vectors come from web3.js, not from sniperd).
// The formats are documented in tests/solana/vectors/README.md.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const {
  web3, sha256, Drbg, keypairFor, blockhashFor, buildTx, loadSplToken,
} = require('./lib');
const bs58 = require('bs58');

const spl = loadSplToken();

const { PublicKey, SystemProgram, ComputeBudgetProgram, TransactionInstruction } = web3;
const TOKEN = spl.TOKEN_PROGRAM_ID;
const TOKEN22 = spl.TOKEN_2022_PROGRAM_ID;
const ATA = spl.ASSOCIATED_TOKEN_PROGRAM_ID;
const WSOL = spl.NATIVE_MINT;
const JITO_TIP = new PublicKey('ADaUMid9yfUytqMBgopwjb2DTLSokTSzL1zt6iGPaS49');
const U64_MAX = (1n << 64n) - 1n;

const hex = (b) => Buffer.from(b).toString('hex');

// ---------------------------------------------------------------- transactions

function ata(owner, mint, program) {
  return spl.getAssociatedTokenAddressSync(mint, owner, true, program, ATA);
}

// Each case: signers (labels, fee payer first), instructions, and which
// versions to emit. Keys come from fixed seeds so the vectors never change.
function txCases() {
  const payer = keypairFor('payer-1');
  const payer2 = keypairFor('payer-2');
  const alice = keypairFor('alice');
  const bob = keypairFor('bob');
  const recipient = keypairFor('recipient').publicKey;
  const mint = keypairFor('mint-a').publicKey;
  const mint22 = keypairFor('mint-2022').publicKey;
  const custom = new PublicKey(sha256('sniper-vector-program:custom'));
  const both = ['legacy', 0];
  const cases = [];
  const add = (name, signers, instructions, extra = {}) => {
    cases.push({ name, signers, instructions, versions: both, ...extra });
  };

  add('transfer_only', [payer], [
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: 1000000n }),
  ]);
  add('transfer_compute_budget', [payer], [
    ComputeBudgetProgram.setComputeUnitLimit({ units: 200000 }),
    ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 10000n }),
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: 123456789n }),
  ]);
  add('transfer_compute_budget_extremes', [payer2], [
    ComputeBudgetProgram.setComputeUnitLimit({ units: 0xffffffff }),
    ComputeBudgetProgram.setComputeUnitPrice({ microLamports: U64_MAX }),
    SystemProgram.transfer({ fromPubkey: payer2.publicKey, toPubkey: recipient, lamports: U64_MAX }),
  ]);
  add('transfer_zero_to_self', [payer], [
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: payer.publicKey, lamports: 0n }),
  ]);
  for (const [tag, prog, m] of [['token', TOKEN, mint], ['token2022', TOKEN22, mint22]]) {
    add(`transfer_checked_${tag}`, [payer], [
      spl.createTransferCheckedInstruction(ata(payer.publicKey, m, prog), m,
        ata(recipient, m, prog), payer.publicKey, 5000000000n, 6, [], prog),
    ]);
    add(`close_account_${tag}`, [payer], [
      spl.createCloseAccountInstruction(ata(payer.publicKey, WSOL, prog), payer.publicKey,
        payer.publicKey, [], prog),
    ]);
    add(`sync_native_${tag}`, [payer], [
      spl.createSyncNativeInstruction(ata(payer.publicKey, WSOL, prog), prog),
    ]);
    add(`ata_create_idempotent_${tag}`, [payer], [
      spl.createAssociatedTokenAccountIdempotentInstruction(payer.publicKey,
        ata(recipient, m, prog), recipient, m, prog, ATA),
    ]);
  }
  add('jito_tip', [payer], [
    ComputeBudgetProgram.setComputeUnitLimit({ units: 50000 }),
    ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 250000n }),
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports: 42n }),
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: JITO_TIP, lamports: 10000n }),
  ]);
  // Three signers: payer (writable), alice (writable: lamports leave her
  // account), bob (read-only signer: token owner).
  add('multi_signer', [payer, alice, bob], [
    SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: recipient, lamports: 777n }),
    spl.createTransferCheckedInstruction(ata(bob.publicKey, mint, TOKEN), mint,
      ata(recipient, mint, TOKEN), bob.publicKey, 1n, 6, [], TOKEN),
  ]);
  // A buy as the host builds it: wrap SOL, swap-like token transfer, unwrap, tip.
  const wsolAta = ata(payer.publicKey, WSOL, TOKEN);
  add('wrap_transfer_unwrap_tip', [payer], [
    ComputeBudgetProgram.setComputeUnitLimit({ units: 120000 }),
    ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 1000000n }),
    spl.createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, wsolAta,
      payer.publicKey, WSOL, TOKEN, ATA),
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: wsolAta, lamports: 50000000n }),
    spl.createSyncNativeInstruction(wsolAta, TOKEN),
    spl.createAssociatedTokenAccountIdempotentInstruction(payer.publicKey,
      ata(payer.publicKey, mint22, TOKEN22), payer.publicKey, mint22, TOKEN22, ATA),
    spl.createTransferCheckedInstruction(ata(payer.publicKey, mint22, TOKEN22), mint22,
      ata(recipient, mint22, TOKEN22), payer.publicKey, 123456n, 6, [], TOKEN22),
    spl.createCloseAccountInstruction(wsolAta, payer.publicKey, payer.publicKey, [], TOKEN),
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: JITO_TIP, lamports: 100000n }),
  ]);
  // Ordering and merging: a read-only account seen before the program that
  // uses it, then seen again writable; 300 bytes of data (2-byte compact-u16).
  const r1 = keypairFor('ro-1').publicKey;
  const r2 = keypairFor('ro-2').publicKey;
  add('custom_program_long_data_merged_flags', [payer], [
    new TransactionInstruction({
      programId: custom,
      keys: [
        { pubkey: r2, isSigner: false, isWritable: false },
        { pubkey: r1, isSigner: false, isWritable: false },
        { pubkey: payer.publicKey, isSigner: false, isWritable: false },
      ],
      data: Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 0xff)),
    }),
    new TransactionInstruction({
      programId: SystemProgram.programId,
      keys: [{ pubkey: r1, isSigner: false, isWritable: true }, { pubkey: custom, isSigner: false, isWritable: false }],
      data: Buffer.alloc(0),
    }),
  ]);
  add('no_instructions', [payer2], []);
  // v0 with an address lookup table (decode-only: sniperd compiles without tables).
  const tableKey = new PublicKey(sha256('sniper-vector-table:1'));
  const tableAddrs = Array.from({ length: 6 }, (_, i) => keypairFor(`table-entry-${i}`).publicKey);
  add('v0_lookup_table', [payer], [
    ComputeBudgetProgram.setComputeUnitLimit({ units: 300000 }),
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: tableAddrs[4], lamports: 5n }),
    new TransactionInstruction({
      programId: custom,
      keys: [
        { pubkey: tableAddrs[1], isSigner: false, isWritable: false },
        { pubkey: tableAddrs[4], isSigner: false, isWritable: true },
        { pubkey: recipient, isSigner: false, isWritable: true },
      ],
      data: Buffer.from([1, 2, 3]),
    }),
  ], {
    versions: [0],
    lookupTables: [new web3.AddressLookupTableAccount({
      key: tableKey,
      state: {
        deactivationSlot: U64_MAX, lastExtendedSlot: 0, lastExtendedSlotStartIndex: 0,
        authority: undefined, addresses: tableAddrs,
      },
    })],
  });
  return cases;
}

function txVector(c, version) {
  const payer = c.signers[0];
  const blockhash = blockhashFor(`${c.name}:${version}`);
  const tx = buildTx({
    version, payer: payer.publicKey, signers: c.signers, instructions: c.instructions,
    blockhash, lookupTables: c.lookupTables,
  });
  const msg = tx.message;
  const messageBytes = Buffer.from(msg.serialize());
  const wire = Buffer.from(tx.serialize());
  // Signature slots follow the first num_required_signatures account keys.
  const seedOf = new Map(c.signers.map((k) => [k.publicKey.toBase58(), hex(k.secretKey.subarray(0, 32))]));
  const signerKeys = msg.staticAccountKeys.slice(0, msg.header.numRequiredSignatures).map((k) => k.toBase58());
  for (const k of signerKeys) {
    if (!seedOf.has(k)) {
      throw new Error(`${c.name}: signer ${k} has no seed`);
    }
  }
  const lookups = version === 'legacy' ? [] : msg.addressTableLookups.map((l) => ({
    account_key: l.accountKey.toBase58(),
    writable_indexes: Array.from(l.writableIndexes),
    readonly_indexes: Array.from(l.readonlyIndexes),
  }));
  return {
    name: `${c.name}_${version === 'legacy' ? 'legacy' : 'v0'}`,
    version,
    fee_payer: payer.publicKey.toBase58(),
    signer_seeds_hex: signerKeys.map((k) => seedOf.get(k)),
    signer_pubkeys: signerKeys,
    instructions: c.instructions.map((ix) => ({
      program_id: ix.programId.toBase58(),
      accounts: ix.keys.map((m) => ({ pubkey: m.pubkey.toBase58(), is_signer: m.isSigner, is_writable: m.isWritable })),
      data_hex: hex(ix.data),
    })),
    recent_blockhash: blockhash,
    uses_lookup_tables: lookups.length > 0,
    lookup_tables: (c.lookupTables || []).map((t) => ({
      key: t.key.toBase58(), addresses: t.state.addresses.map((a) => a.toBase58()),
    })),
    header: {
      num_required_signatures: msg.header.numRequiredSignatures,
      num_readonly_signed: msg.header.numReadonlySignedAccounts,
      num_readonly_unsigned: msg.header.numReadonlyUnsignedAccounts,
    },
    account_keys: msg.staticAccountKeys.map((k) => k.toBase58()),
    address_table_lookups: lookups,
    message_hex: hex(messageBytes),
    signatures: tx.signatures.map((s) => b58Signature(s)),
    tx_base64: wire.toString('base64'),
    tx_size: wire.length,
  };
}

// Base58 of a 64-byte signature (bs58, the encoder web3.js itself uses).
function b58Signature(sig) {
  return bs58.encode(Buffer.from(sig));
}

function checkTx(v) {
  // The vector must round-trip through web3.js's decoder and verify.
  const tx = web3.VersionedTransaction.deserialize(Buffer.from(v.tx_base64, 'base64'));
  if (hex(tx.message.serialize()) !== v.message_hex) {
    throw new Error(`${v.name}: message does not round-trip`);
  }
  const msgBytes = Buffer.from(v.message_hex, 'hex');
  v.signer_pubkeys.forEach((pk, i) => {
    const ok = crypto.verify(null, msgBytes,
      { key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), new PublicKey(pk).toBuffer()]), format: 'der', type: 'spki' },
      Buffer.from(tx.signatures[i]));
    if (!ok) {
      throw new Error(`${v.name}: signature ${i} does not verify`);
    }
  });
}

// ------------------------------------------------------------------- PDAs

const KNOWN_PROGRAMS = [
  SystemProgram.programId, TOKEN, TOKEN22, ATA,
  new PublicKey('6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P'),
  new PublicKey('675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8'),
];

function randomProgram(rng, i) {
  return i % 10 === 0 ? KNOWN_PROGRAMS[(i / 10) % KNOWN_PROGRAMS.length] : new PublicKey(rng.bytes(32));
}

function pdaVectors() {
  const rng = new Drbg('pda-vectors');
  const out = [];
  const create = [];
  const total = 10000;
  const many = 64; // extra cases with 5..15 seeds (16 with the bump, Solana's maximum)
  for (let i = 0; i < total + many; i++) {
    const n = i < total ? rng.int(0, 4) : rng.int(5, 15);
    const seeds = [];
    for (let s = 0; s < n; s++) {
      seeds.push(rng.bytes(rng.int(0, 32)));
    }
    const program = randomProgram(rng, i);
    const [address, bump] = PublicKey.findProgramAddressSync(seeds, program);
    out.push({ seeds_hex: seeds.map(hex), program_id: program.toBase58(), address: address.toBase58(), bump });
    // For the first 500: every bump tried from 255 down to the one found.
    if (i < 500) {
      for (let b = 255; b >= bump; b--) {
        let addr = null;
        try {
          addr = PublicKey.createProgramAddressSync([...seeds, Buffer.from([b])], program).toBase58();
        } catch (e) {
          if (!/off the curve/.test(e.message)) {
            throw e;
          }
        }
        if ((b === bump) !== (addr !== null)) {
          throw new Error('createProgramAddressSync disagrees with findProgramAddressSync');
        }
        create.push({ seeds_hex: [...seeds.map(hex), hex([b])], program_id: program.toBase58(), address: addr });
      }
    }
  }
  return { out, create };
}

function ataVectors() {
  const rng = new Drbg('ata-vectors');
  const out = [];
  for (let i = 0; i < 1000; i++) {
    const program = i % 2 === 0 ? TOKEN : TOKEN22;
    // Half the owners are wallets (on curve), half are PDAs (off curve).
    const owner = i % 4 < 2
      ? web3.Keypair.fromSeed(rng.bytes(32)).publicKey
      : PublicKey.findProgramAddressSync([rng.bytes(8)], new PublicKey(rng.bytes(32)))[0];
    const mint = i % 50 === 1 ? WSOL : new PublicKey(rng.bytes(32));
    const address = spl.getAssociatedTokenAddressSync(mint, owner, true, program, ATA);
    const [pda, bump] = PublicKey.findProgramAddressSync(
      [owner.toBuffer(), program.toBuffer(), mint.toBuffer()], ATA);
    if (!pda.equals(address)) {
      throw new Error('getAssociatedTokenAddressSync disagrees with findProgramAddressSync');
    }
    out.push({
      owner: owner.toBase58(), mint: mint.toBase58(), token_program: program.toBase58(),
      address: address.toBase58(), bump,
    });
  }
  return out;
}

// -------------------------------------------------------------- on-curve

// Solana's own rule (curve25519-dalek CompressedEdwardsY::decompress, used
// by create_program_address): clear bit 255, take y mod p (non-canonical y
// accepted), on curve iff (y^2 - 1) / (d y^2 + 1) is a square; the sign bit
// is never checked. web3.js (noble, RFC 8032 strict) also rejects y >= p and
// x = 0 with the sign bit set; the two only differ on such inputs.
const P = (1n << 255n) - 19n;
const modp = (a) => ((a % P) + P) % P;
function powmod(b, e) {
  let r = 1n;
  b = modp(b);
  while (e > 0n) {
    if (e & 1n) {
      r = (r * b) % P;
    }
    b = (b * b) % P;
    e >>= 1n;
  }
  return r;
}
const D = modp(-121665n * powmod(121666n, P - 2n));
function dalekOnCurve(bytes) {
  let y = 0n;
  for (let i = 31; i >= 0; i--) {
    y = (y << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
  }
  y = modp(y);
  const yy = (y * y) % P;
  const u = modp(yy - 1n);
  const v = modp(D * yy + 1n);
  if (u === 0n) {
    return true;
  }
  const ratio = (u * powmod(v, P - 2n)) % P;
  return powmod(ratio, (P - 1n) / 2n) === 1n;
}

function leBytes(n) {
  const b = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) {
    b[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  }
  return b;
}

function oncurveVectors() {
  const rng = new Drbg('oncurve-vectors');
  const inputs = [];
  for (let i = 0; i < 1000; i++) {
    inputs.push(['random', rng.bytes(32)]);
  }
  for (let i = 0; i < 1000; i++) {
    inputs.push(['sha256', sha256(`sniper-oncurve:${i}`)]);
  }
  for (let i = 0; i < 100; i++) {
    inputs.push(['pubkey', web3.Keypair.fromSeed(rng.bytes(32)).publicKey.toBuffer()]);
  }
  // The eight small-order (torsion) points: on curve for Solana, though
  // libsodium's crypto_core_ed25519_is_valid_point rejects them.
  const torsion = [
    '0100000000000000000000000000000000000000000000000000000000000000',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    '0000000000000000000000000000000000000000000000000000000000000000',
    '0000000000000000000000000000000000000000000000000000000000000080',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  ];
  const { ed25519 } = require('@noble/curves/ed25519');
  for (const t of torsion) {
    if (!ed25519.ExtendedPoint.fromHex(t).isSmallOrder()) {
      throw new Error(`${t} is not a small-order point`);
    }
    inputs.push(['small_order', Buffer.from(t, 'hex')]);
  }
  const out = [];
  for (const [kind, bytes] of inputs) {
    const onCurve = PublicKey.isOnCurve(bytes);
    if (onCurve !== dalekOnCurve(bytes)) {
      throw new Error(`web3.js and Solana's rule disagree on ${hex(bytes)}: not a plain vector`);
    }
    out.push({ bytes_hex: hex(bytes), on_curve: onCurve, kind });
  }
  // Inputs where web3.js (strict RFC 8032) and Solana (dalek) differ. Never
  // produced by a hash in practice; listed so the C++ side follows Solana.
  const edge = [];
  const pushEdge = (bytes, note) => {
    edge.push({ bytes_hex: hex(bytes), web3js_on_curve: PublicKey.isOnCurve(bytes), solana_on_curve: dalekOnCurve(bytes), note });
  };
  const signed = (b) => {
    const c = Buffer.from(b);
    c[31] |= 0x80;
    return c;
  };
  pushEdge(signed(leBytes(1n)), 'y = 1 (x = 0) with the sign bit set');
  pushEdge(signed(leBytes(P - 1n)), 'y = p - 1 (x = 0) with the sign bit set');
  for (let k = 0n; k <= 18n; k++) {
    pushEdge(leBytes(P + k), `non-canonical y = p + ${k}`);
    pushEdge(signed(leBytes(P + k)), `non-canonical y = p + ${k}, sign bit set`);
  }
  return { out, edge };
}

// --------------------------------------------------------------- output

function writeJson(file, obj, oneLineArrays) {
  // Top-level object; arrays named in oneLineArrays get one element per
  // line (diff-friendly), everything else is indented.
  const parts = [];
  for (const [k, v] of Object.entries(obj)) {
    if (oneLineArrays.includes(k)) {
      parts.push(`  ${JSON.stringify(k)}: [\n${v.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]`);
    } else {
      parts.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}`);
    }
  }
  fs.writeFileSync(file, `{\n${parts.join(',\n')}\n}\n`);
}

const FILES = ['tx_vectors.json', 'pda_vectors.json'];

// 0 when every generated file equals the committed one; else names the
// first differing line of each file that differs.
function compare(outDir, committedDir) {
  let bad = 0;
  for (const f of FILES) {
    const a = path.join(outDir, f);
    const b = path.join(committedDir, f);
    if (!fs.existsSync(b)) {
      process.stderr.write(`${b}: missing (generate it with node tools/solana-check/gen_vectors.js ${committedDir})\n`);
      bad++;
      continue;
    }
    const x = fs.readFileSync(a, 'utf8').split('\n');
    const y = fs.readFileSync(b, 'utf8').split('\n');
    const n = Math.max(x.length, y.length);
    for (let i = 0; i < n; i++) {
      if (x[i] !== y[i]) {
        process.stderr.write(`${f}: line ${i + 1} differs from what web3.js generates\n` +
          `  committed: ${String(y[i]).slice(0, 300)}\n  generated: ${String(x[i]).slice(0, 300)}\n`);
        bad++;
        break;
      }
    }
  }
  process.stdout.write(bad === 0
    ? `vectors fresh: ${FILES.join(', ')} in ${committedDir} equal what web3.js generates\n`
    : `vectors STALE: ${bad} of ${FILES.length} files differ from what web3.js generates\n`);
  return bad === 0 ? 0 : 1;
}

function main() {
  const outDir = process.argv[2];
  const compareIdx = process.argv.indexOf('--compare');
  const committedDir = compareIdx > 0 ? process.argv[compareIdx + 1] : null;
  if (!outDir || outDir.startsWith('--') || (compareIdx > 0 && !committedDir)) {
    process.stderr.write('usage: node gen_vectors.js OUTDIR [--compare COMMITTED_DIR]\n');
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const versionOf = (p) => JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', p, 'package.json'), 'utf8')).version;
  const generator = `tools/solana-check/gen_vectors.js with @solana/web3.js ${versionOf('@solana/web3.js')}, @solana/spl-token ${versionOf('@solana/spl-token')}`;

  const txs = [];
  for (const c of txCases()) {
    for (const v of c.versions) {
      const vec = txVector(c, v);
      checkTx(vec);
      txs.push(vec);
    }
  }
  writeJson(path.join(outDir, 'tx_vectors.json'), { generator, tx_vectors: txs }, []);

  const { out: pdas, create } = pdaVectors();
  const atas = ataVectors();
  const { out: oncurve, edge } = oncurveVectors();
  writeJson(path.join(outDir, 'pda_vectors.json'), {
    generator,
    pda_vectors: pdas,
    create_program_address_vectors: create,
    ata_vectors: atas,
    oncurve_vectors: oncurve,
    oncurve_edge_vectors: edge,
  }, ['pda_vectors', 'create_program_address_vectors', 'ata_vectors', 'oncurve_vectors', 'oncurve_edge_vectors']);

  process.stdout.write(`${JSON.stringify({
    out_dir: outDir, tx_vectors: txs.length, pda_vectors: pdas.length,
    create_program_address_vectors: create.length, ata_vectors: atas.length,
    oncurve_vectors: oncurve.length, oncurve_edge_vectors: edge.length,
  })}\n`);
  if (committedDir) {
    process.exit(compare(outDir, committedDir));
  }
}

main();
