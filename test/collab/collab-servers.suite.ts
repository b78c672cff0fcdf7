// Jest's entry for the tests of the live document across restarts and instances: one module registry for these files (see README, Testing).
import './collab-crash.test';
import './collab-instances.test';
import './collab-persistence.test';
import './editor-presence.test';
