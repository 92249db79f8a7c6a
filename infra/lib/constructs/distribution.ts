import { Duration, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PUBLIC_MEDIA_PREFIX } from './media-bucket.js';

/** The app's session cookie over HTTPS (`__Host-` prefix: secure, host-only, path /; src/modules/auth/sessions.ts). */
export const SESSION_COOKIE = '__Host-session';

/** The public catalog API: cached like pages, by the app's Cache-Control (anonymous answers only). */
export const CACHED_API_PATHS = ['/api/v1/products*', '/api/v1/categories*'] as const;

/** Paths that are always personal or state-changing: never cached, every method passed through. */
export const UNCACHED_PATHS = ['/api/*', '/account*', '/admin*', '/cart*', '/checkout*', '/webhooks/*'] as const;

export interface DistributionProps {
  readonly domainName: string;
  readonly originDomainName: string;
  readonly certificate: acm.ICertificate;
  readonly webAclArn: string;
  readonly alb: elbv2.IApplicationLoadBalancer;
  readonly mediaBucket: s3.IBucket;
  readonly logBucket: s3.IBucket;
}

/**
 * The CloudFront distribution in front of everything. Pages and API go to the internal ALB through a VPC
 * origin; `/media/*` comes straight from the bucket through Origin Access Control.
 *
 * Caching follows the app's Cache-Control: the page policy caches nothing by default (TTL 0) and keeps
 * what the app marks `public, s-maxage=...` (anonymous catalog pages). The session cookie is part of that
 * cache key, so a signed-in request can never be answered with another visitor's copy, and the app
 * marks such responses private anyway. The public catalog API is cached the same way; account, cart,
 * checkout, admin, the rest of the API and webhooks bypass the cache.
 */
export class ShopDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: DistributionProps) {
    super(scope, id);

    const appOrigin = origins.VpcOrigin.withApplicationLoadBalancer(props.alb, {
      domainName: props.originDomainName,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
    });

    const pagesCache = new cloudfront.CachePolicy(this, 'PagesCache', {
      comment: 'Bastion pages: cached only when the app says so; the session cookie is part of the key',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      cookieBehavior: cloudfront.CacheCookieBehavior.allowList(SESSION_COOKIE),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const dynamic: cloudfront.BehaviorOptions = {
      origin: appOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    };

    // Origin Access Control, signed with SigV4. The bucket is an imported reference: its own stack already
    // grants cloudfront.amazonaws.com s3:GetObject on media/* for this account's distributions
    // (media-bucket.ts), so the origin is built with the OAC id directly and edits no bucket policy.
    const oac = new cloudfront.S3OriginAccessControl(this, 'MediaOac', {
      description: 'Bastion media bucket',
      signing: cloudfront.Signing.SIGV4_ALWAYS,
    });
    const mediaOrigin = origins.S3BucketOrigin.withBucketDefaults(props.mediaBucket, {
      originAccessControlId: oac.originAccessControlId,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Bastion shop',
      domainNames: [props.domainName],
      certificate: props.certificate,
      webAclId: props.webAclArn,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      sslSupportMethod: cloudfront.SSLMethod.SNI,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      // No geo restriction: the shop sells worldwide. Sanctioned regions can be blocked in the WebACL.
      defaultBehavior: {
        ...dynamic,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: pagesCache,
      },
      additionalBehaviors: {
        // Listed before /api/*, which they would otherwise fall under: CloudFront takes the first match.
        ...Object.fromEntries(CACHED_API_PATHS.map((path) => [path, { ...dynamic, cachePolicy: pagesCache }])),
        ...Object.fromEntries(UNCACHED_PATHS.map((path) => [path, dynamic])),
        [`/${PUBLIC_MEDIA_PREFIX}*`]: {
          origin: mediaOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          compress: true,
        },
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'The shop sells worldwide, so no country is blocked by default; an operator who must block one adds a geo match rule to the edge WebACL.',
    });
  }
}
