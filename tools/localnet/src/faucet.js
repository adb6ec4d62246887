'use strict';
// requestAirdrop: a real System transfer from a faucet account, signed,
// executed and recorded like any other transaction, so its signature can be
// confirmed and fetched. Two airdrops of the same amount to the same account
// in the same slot would be the same transaction; a compute-unit limit that
// changes with every airdrop keeps their signatures distinct at no cost.

const web3 = require('@solana/web3.js');
const { parseTransaction } = require('./wire');
const { keypairFor } = require('./pools');

const FAUCET_LAMPORTS = 10n ** 18n;

class Faucet {
  constructor(chain, label) {
    this.chain = chain;
    this.keypair = keypairFor(label, 'faucet');
    this.count = 0;
    chain.setAccount(this.keypair.publicKey.toBytes(), { lamports: FAUCET_LAMPORTS });
  }

  balance() {
    return this.chain.svm.getBalance(this.keypair.publicKey.toBytes()) || 0n;
  }

  // Returns { signature, landed, error } (error: a TxError when refused).
  airdrop(toBytes, lamports) {
    this.count += 1;
    const tx = new web3.Transaction({
      feePayer: this.keypair.publicKey,
      recentBlockhash: this.chain.blockhashAt(this.chain.height).blockhash,
    });
    tx.add(web3.ComputeBudgetProgram.setComputeUnitLimit({ units: 10_000 + (this.count % 1_000_000) }));
    tx.add(web3.SystemProgram.transfer({ fromPubkey: this.keypair.publicKey, toPubkey: new web3.PublicKey(toBytes), lamports }));
    tx.sign(this.keypair);
    const parsed = parseTransaction(Buffer.from(tx.serialize()));
    const out = this.chain.execute(parsed, { source: 'airdrop' });
    return { signature: parsed.signature, landed: out.landed, error: out.error || null };
  }
}

module.exports = { Faucet, FAUCET_LAMPORTS };
