// Prints the vectors of tests/chain/vaults_test.cpp, made by
// @solana/spl-token (independently of the host's code): the associated
// token accounts of a PumpSwap pool (its vaults) and token account data
// encoded with spl-token's AccountLayout. Run: node vault_vectors.js
'use strict';
const { PublicKey } = require('@solana/web3.js');
const spl = require('@solana/spl-token');

const pool = new PublicKey('Hb5nPV8QeyAcom4tMPEZKbpKVEXBQeQgnU7pPQbb1FyG');
const mint = new PublicKey('DGxVcSTq8ECJsmiQfp1knvd6enuG9nJKdDihzSaFpump');
const wsol = spl.NATIVE_MINT;
const ata = (m, prog) => spl.getAssociatedTokenAddressSync(m, pool, true, prog).toBase58();
console.log('pumpswap_sol_vault', ata(wsol, spl.TOKEN_PROGRAM_ID));
console.log('pumpswap_token_vault_spl', ata(mint, spl.TOKEN_PROGRAM_ID));
console.log('pumpswap_token_vault_2022', ata(mint, spl.TOKEN_2022_PROGRAM_ID));

function account(mintKey, owner, amount, native) {
  const b = Buffer.alloc(spl.ACCOUNT_SIZE);
  spl.AccountLayout.encode({
    mint: new PublicKey(mintKey), owner: new PublicKey(owner), amount: BigInt(amount),
    delegateOption: 0, delegate: PublicKey.default, state: spl.AccountState.Initialized,
    isNativeOption: native ? 1 : 0, isNative: BigInt(native ? 2039280 : 0),
    delegatedAmount: 0n, closeAuthorityOption: 0, closeAuthority: PublicKey.default,
  }, b);
  return b.toString('base64');
}
const authority = '5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1';
const token = '6Ed5YTw9AoUhr5VcsjZdGHqpdruqgCaZcLv7WU6npump';
console.log('raydium_token_vault_data', account(token, authority, '206000000000000', false));
console.log('raydium_sol_vault_data', account(wsol, authority, '80000000000', true));
console.log('pumpswap_token_vault_data', account(mint, pool, '205000000000000', false));
console.log('pumpswap_sol_vault_data', account(wsol, pool, '85500000000', true));
