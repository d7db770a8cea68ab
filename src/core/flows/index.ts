export { fastTanh } from './activation.js';
export { dense, project } from './dense.js';
export { MLP, glorot, makeVariable, type Activation, type NamedVariable } from './mlp.js';
export {
  AffineCoupling,
  AdditiveCoupling,
  Scaling,
  ChannelSplit,
  type Block,
  type FlowOutput,
} from './blocks.js';
export { Flow, createFlow, type FlowArchitecture } from './flow.js';
export {
  serializeFlow,
  deserializeFlow,
  readFlowArchitecture,
  FLOW_FORMAT,
  FLOW_FORMAT_VERSION,
} from './serialize.js';
