import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../lib/config/bastion-config.js';
import { SIZES } from '../lib/config/sizes.js';
import { cdkJsonContext } from './support/synth.js';

const read = (overrides: Record<string, unknown> = {}) => {
  const context = { ...cdkJsonContext(), ...overrides };
  return readConfig((key) => context[key]);
};

describe('configuration from CDK context', () => {
  it('takes cdk.json defaults: small size, two AZs, no accelerator, a placeholder account', () => {
    const config = read();
    expect(config).toMatchObject({
      account: '123456789012',
      region: 'us-east-1',
      domainName: 'shop.example.com',
      size: 'small',
      instanceType: SIZES.small.instanceType,
      minCapacity: 2,
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      globalAccelerator: false,
      hostedZoneId: undefined,
      certificateArn: undefined,
    });
  });

  it('accepts command-line strings for numbers and flags', () => {
    const config = read({ 'bastion:minCapacity': '3', 'bastion:maxCapacity': '9', 'bastion:globalAccelerator': 'true', 'bastion:azCount': '3' });
    expect(config).toMatchObject({ minCapacity: 3, maxCapacity: 9, globalAccelerator: true, azCount: 3 });
    expect(config.availabilityZones).toHaveLength(3);
  });

  it('lets explicit values override the size preset', () => {
    const config = read({ 'bastion:size': 'large', 'bastion:instanceType': 'c7g.xlarge', 'bastion:dbInstanceClass': 'r7g.2xlarge' });
    expect(config).toMatchObject({ instanceType: 'c7g.xlarge', dbInstanceClass: 'r7g.2xlarge', maxCapacity: SIZES.large.maxCapacity });
  });

  it.each([
    [{ 'bastion:size': 'huge' }, /size/],
    [{ 'bastion:domainName': 'Not A Domain' }, /domainName/],
    [{ 'bastion:azCount': '4' }, /azCount/],
    [{ 'bastion:minCapacity': '5', 'bastion:maxCapacity': '2' }, /maxCapacity/],
    [{ 'bastion:certificateArn': 'arn:aws:iam::123:role/x' }, /certificateArn/],
    [{ 'bastion:globalAccelerator': 'yes' }, /globalAccelerator/],
    [{ 'bastion:availabilityZones': 'eu-west-1a,eu-west-1b' }, /availabilityZones/],
    [{ 'bastion:alarmEmail': 'not-an-email' }, /alarmEmail/],
    [{ 'bastion:releaseVersion': '1.0; rm -rf /' }, /releaseVersion/],
    [{ 'bastion:cognitoDomainPrefix': 'my-aws-shop' }, /cognitoDomainPrefix/],
    [{ 'bastion:backupCopyRegion': 'us-east-1' }, /backupCopyRegion/],
    [{ 'bastion:backupVaultLock': 'forever' }, /backupVaultLock/],
    [{ 'bastion:dbInstanceClass': 'x9.huge' }, /DB_CLASS_MEMORY_GIB/],
    [{ 'bastion:maxCapacity': '400' }, /cannot serve/],
    [{ 'bastion:securityServices': 'maybe' }, /securityServices/],
    [{ 'bastion:pipelineAccount': '12' }, /pipelineAccount/],
    [{ 'bastion:payments': 'test' }, /test is refused in production/],
    [{ 'bastion:payments': 'stripe,test' }, /test is refused in production/],
  ])('rejects %o', (overrides, message) => {
    expect(() => read(overrides)).toThrow(ConfigError);
    expect(() => read(overrides)).toThrow(message);
  });

  it('takes stripe, paypal or both for payments, stripe when unset', () => {
    expect(read().payments).toBe('stripe');
    expect(read({ 'bastion:payments': 'stripe,paypal' }).payments).toBe('stripe,paypal');
  });
});
