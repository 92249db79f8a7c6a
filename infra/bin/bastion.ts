import { App } from 'aws-cdk-lib';
import { buildBastion } from '../lib/bastion-app.js';

const app = new App();
buildBastion(app);
app.synth();
