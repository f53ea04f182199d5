/** The shared adapter scenario matrix on NestJS + platform-express. */
import { defineAdapterSuite } from '@permissio/adapter-testkit';
import { nestDriver } from './support/driver.js';

defineAdapterSuite(nestDriver('express'));
