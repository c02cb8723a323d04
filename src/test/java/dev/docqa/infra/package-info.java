/**
 * Offline checks of the deployment: the CloudFormation template, the container images' Dockerfiles and build contexts,
 * and the shell scripts in {@code infra/}. Nothing here talks to AWS or needs Docker.
 */
package dev.docqa.infra;
