/**
 * Readers and writers of files: CSV and the NAB corpus layout, score files and reports.
 */
package dev.sensorwatch.io;
