#!/usr/bin/env nextflow
// The penguin-summary workflow for Nextflow: one SUMMARISE task per sample (tagged with the
// sample's name, which biovista reads back as the task's sample). biovista passes the
// parameters of biovista-workflow.yaml in -params-file, plus `samples_sheet`.
nextflow.enable.dsl = 2

params.samples_sheet = 'samples.csv'
params.min_mass = 0
params.digits = 1
params.fail_sample = ''
params.sleep = 0
params.outdir = 'results'

process SUMMARISE {
    tag "${sample}"
    publishDir "${params.outdir}/${sample}", mode: 'copy'

    input:
    tuple val(sample), path(measurements)

    output:
    tuple val(sample), path('summary.csv')

    script:
    def fail = params.fail_sample == sample ? '--fail' : ''
    """
    summarise.py --sample ${sample} --min-mass ${params.min_mass} --digits ${params.digits} \\
        --sleep ${params.sleep} ${fail} --output summary.csv ${measurements}
    """
}

workflow {
    Channel.fromPath(params.samples_sheet)
        | splitCsv(header: true)
        | map { row -> tuple(row.sample, file(row.path)) }
        | SUMMARISE
}
