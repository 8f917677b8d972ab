export { seal, SealError, SealKeyPair, type SealRecipient } from './sealed-box';
export { RequestSealer, isSealKeyChanged, sealKeyChanged } from './request-sealer';
export { SealOpener } from './seal-opener';
export { SealingModule, type SealingOptions } from './sealing.module';
