'use strict';
// Transaction errors in the shapes Solana RPC clients parse: the JSON of
// agave's TransactionError ("BlockhashNotFound",
// {"InstructionError":[0,{"Custom":1}]}, ...) and its Display text (used in
// "Transaction simulation failed: <text>"). litesvm 1.4.1 hands errors over as
// numbers (fieldless variants; its const enums do not exist at run time, so
// the names are listed here in its declaration order) or small classes.

const TX_ERRORS = [
  'AccountInUse', 'AccountLoadedTwice', 'AccountNotFound', 'ProgramAccountNotFound',
  'InsufficientFundsForFee', 'InvalidAccountForFee', 'AlreadyProcessed', 'BlockhashNotFound',
  'CallChainTooDeep', 'MissingSignatureForFee', 'InvalidAccountIndex', 'SignatureFailure',
  'InvalidProgramForExecution', 'SanitizeFailure', 'ClusterMaintenance', 'AccountBorrowOutstanding',
  'WouldExceedMaxBlockCostLimit', 'UnsupportedVersion', 'InvalidWritableAccount',
  'WouldExceedMaxAccountCostLimit', 'WouldExceedAccountDataBlockLimit', 'TooManyAccountLocks',
  'AddressLookupTableNotFound', 'InvalidAddressLookupTableOwner', 'InvalidAddressLookupTableData',
  'InvalidAddressLookupTableIndex', 'InvalidRentPayingAccount', 'WouldExceedMaxVoteCostLimit',
  'WouldExceedAccountDataTotalLimit', 'MaxLoadedAccountsDataSizeExceeded', 'ResanitizationNeeded',
  'InvalidLoadedAccountsDataSizeLimit', 'UnbalancedTransaction', 'ProgramCacheHitMaxLimit',
  'CommitCancelled',
];

const IX_ERRORS = [
  'GenericError', 'InvalidArgument', 'InvalidInstructionData', 'InvalidAccountData',
  'AccountDataTooSmall', 'InsufficientFunds', 'IncorrectProgramId', 'MissingRequiredSignature',
  'AccountAlreadyInitialized', 'UninitializedAccount', 'UnbalancedInstruction', 'ModifiedProgramId',
  'ExternalAccountLamportSpend', 'ExternalAccountDataModified', 'ReadonlyLamportChange',
  'ReadonlyDataModified', 'DuplicateAccountIndex', 'ExecutableModified', 'RentEpochModified',
  'NotEnoughAccountKeys', 'AccountDataSizeChanged', 'AccountNotExecutable', 'AccountBorrowFailed',
  'AccountBorrowOutstanding', 'DuplicateAccountOutOfSync', 'InvalidError', 'ExecutableDataModified',
  'ExecutableLamportChange', 'ExecutableAccountNotRentExempt', 'UnsupportedProgramId', 'CallDepth',
  'MissingAccount', 'ReentrancyNotAllowed', 'MaxSeedLengthExceeded', 'InvalidSeeds', 'InvalidRealloc',
  'ComputationalBudgetExceeded', 'PrivilegeEscalation', 'ProgramEnvironmentSetupFailure',
  'ProgramFailedToComplete', 'ProgramFailedToCompile', 'Immutable', 'IncorrectAuthority',
  'AccountNotRentExempt', 'InvalidAccountOwner', 'ArithmeticOverflow', 'UnsupportedSysvar',
  'IllegalOwner', 'MaxAccountsDataAllocationsExceeded', 'MaxAccountsExceeded',
  'MaxInstructionTraceLengthExceeded', 'BuiltinProgramsMustConsumeComputeUnits', 'BorshIoError',
];

const TX_ERROR_TEXT = {
  AccountInUse: 'Account in use',
  AccountLoadedTwice: 'Account loaded twice',
  AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
  ProgramAccountNotFound: 'Attempt to load a program that does not exist',
  InsufficientFundsForFee: 'Insufficient funds for fee',
  InvalidAccountForFee: 'This account may not be used to pay transaction fees',
  AlreadyProcessed: 'This transaction has already been processed',
  BlockhashNotFound: 'Blockhash not found',
  MissingSignatureForFee: 'Transaction requires a fee but has no signature present',
  InvalidAccountIndex: 'Transaction contains an invalid account reference',
  SignatureFailure: 'Transaction did not pass signature verification',
  InvalidProgramForExecution: 'This program may not be used for executing instructions',
  SanitizeFailure: 'Transaction failed to sanitize accounts offsets correctly',
  UnsupportedVersion: 'Transaction version is unsupported',
  AddressLookupTableNotFound: 'Transaction loads an address table account that doesn\'t exist',
  InvalidAddressLookupTableOwner: 'Transaction loads an address table account with an invalid owner',
  InvalidAddressLookupTableData: 'Transaction loads an address table account with invalid data',
  InvalidAddressLookupTableIndex: 'Transaction address table lookup uses an invalid index',
};

const IX_ERROR_TEXT = {
  GenericError: 'generic instruction error',
  InvalidArgument: 'invalid program argument',
  InvalidInstructionData: 'invalid instruction data',
  InvalidAccountData: 'invalid account data for instruction',
  AccountDataTooSmall: 'account data too small for instruction',
  InsufficientFunds: 'insufficient funds for instruction',
  IncorrectProgramId: 'incorrect program id for instruction',
  MissingRequiredSignature: 'missing required signature for instruction',
  AccountAlreadyInitialized: 'instruction requires an uninitialized account',
  UninitializedAccount: 'instruction requires an initialized account',
  NotEnoughAccountKeys: 'insufficient account keys for instruction',
  ComputationalBudgetExceeded: 'Computational budget exceeded',
  PrivilegeEscalation: 'Cross-program invocation with unauthorized signer or writable account',
  IllegalOwner: 'Provided owner is not allowed',
  InvalidAccountOwner: 'Invalid account owner',
  ArithmeticOverflow: 'Program arithmetic overflowed',
};

// A transaction error both ways: `json` for meta.err / status err, `text`
// for messages, `landed`: whether the runtime commits the transaction as
// failed and charges its fee (errors raised while executing instructions or
// by the post-execution rent check), as opposed to refusing it outright.
class TxError {
  constructor(json, text, landed) {
    this.json = json;
    this.text = text;
    this.landed = landed;
  }

  static named(name) {
    return new TxError(name, TX_ERROR_TEXT[name] || name, false);
  }

  static instruction(index, ixErrJson, ixText) {
    return new TxError({ InstructionError: [index, ixErrJson] }, `Error processing Instruction ${index}: ${ixText}`, true);
  }
}

function instructionErrorOf(e) {
  if (typeof e === 'number') {
    const name = IX_ERRORS[e] || `InstructionError${e}`;
    return { json: name, text: IX_ERROR_TEXT[name] || name };
  }
  if (e && typeof e.code === 'number') {
    return { json: { Custom: e.code }, text: `custom program error: 0x${e.code.toString(16)}` };
  }
  if (e && typeof e.msg === 'string') {
    return { json: { BorshIoError: e.msg }, text: `Failed to serialize or deserialize account data: ${e.msg}` };
  }
  return { json: 'GenericError', text: IX_ERROR_TEXT.GenericError };
}

// Maps FailedTransactionMetadata.err() of litesvm 1.4.1.
function fromLiteSvm(err) {
  if (typeof err === 'number') {
    return TxError.named(TX_ERRORS[err] || `TransactionError${err}`);
  }
  const kind = err && err.constructor ? err.constructor.name : '';
  if (kind === 'TransactionErrorInstructionError' || (err && typeof err.err === 'function' && typeof err.index === 'number')) {
    const ix = instructionErrorOf(err.err());
    return TxError.instruction(err.index, ix.json, ix.text);
  }
  if (kind === 'TransactionErrorInsufficientFundsForRent') {
    return new TxError({ InsufficientFundsForRent: { account_index: err.accountIndex } },
      `Transaction results in an account (${err.accountIndex}) with insufficient funds for rent`, true);
  }
  if (kind === 'TransactionErrorProgramExecutionTemporarilyRestricted') {
    return new TxError({ ProgramExecutionTemporarilyRestricted: { account_index: err.accountIndex } },
      `Execution of the program referenced by account at index ${err.accountIndex} is temporarily restricted.`, true);
  }
  if (kind === 'TransactionErrorDuplicateInstruction') {
    return new TxError({ DuplicateInstruction: err.index },
      `Transaction contains a duplicate instruction (${err.index}) that is not allowed`, false);
  }
  return new TxError('SanitizeFailure', `unrecognised litesvm error ${String(err)}`, false);
}

module.exports = { TxError, fromLiteSvm, TX_ERRORS };
