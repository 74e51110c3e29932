import type { ResourceSpec } from '../../shared/types';
import { batchResource } from './batch';
import { computeNodeResource } from './computeNode';
import { experimentResource } from './experiment';
import { serverResource } from './server';

/** Every CC-Agency resource and operation; the node, the docs table and the tests read this. */
export const ccAgencyResources: ResourceSpec[] = [experimentResource, batchResource, computeNodeResource, serverResource];
