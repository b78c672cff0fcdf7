// Jest's entry for the tests of the deployment: one module registry for these files (see README, Testing).
import './balancer.test';
