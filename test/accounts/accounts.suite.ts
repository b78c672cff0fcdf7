// Jest's entry for the tests of accounts: one module registry for these files (see README, Testing).
import './change-password.test';
import './client-address.unit.test';
import './config.unit.test';
import './deactivation.test';
import './login-limits.test';
import './role-change.test';
